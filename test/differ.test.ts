/**
 * The differ on real pairs: the seed's nginx ENOSPC traces and the pairs
 * recorded on this machine (samples/*, each with the record.sh that made
 * it). Every case asserts the line numbers the report points at; the
 * good-twice pairs assert that two good runs give no divergence at all.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTraces } from '../src/diff/diff-traces.js';
import type { DiffReport } from '../src/report/diff-report.js';
import { CORPUS, REPO, straceFiles } from './helpers/corpus.js';

async function diff(good: string, bad: string): Promise<DiffReport> {
  return (await diffTraces([join(REPO, 'samples', good)], [join(REPO, 'samples', bad)], { version: 'test' })).report;
}

const missingLines = (r: DiffReport) => r.missingAfter.map((m) => m.good.line);
const callName = (text: string) => /^(?:\d+ +)?(?:[\d:.]+ +)?([a-z_0-9]+)\(/.exec(text)?.[1];

describe('seed 000: nginx cache write hits ENOSPC (strace -p -v)', () => {
  it('diverges at the pwritev that fails, and good goes on to writev/sendfile to the client', async () => {
    const r = await diff('nginx-cache-enospc/good.strace', 'nginx-cache-enospc/bad.strace');
    expect(r.divergence?.kind).toBe('result');
    expect(r.divergence?.bad?.line).toBe(32);
    expect(r.divergence?.bad?.text).toMatch(/^pwritev\(14, .* = -1 ENOSPC \(No space left on device\)$/);
    expect(r.divergence?.good?.line).toBe(32);
    expect(r.divergence?.good?.text).toMatch(/^pwritev\(14, .* = 12288$/);
    expect(r.divergence?.summary).toMatch(/ENOSPC/);
    const texts = r.missingAfter.map((m) => m.good.text);
    expect(texts.some((t) => t.startsWith('writev(11, [{"HTTP/1.1 200 OK'))).toBe(true);
    expect(texts.some((t) => t.startsWith('sendfile(11, 14, '))).toBe(true);
    expect(missingLines(r).slice(0, 2)).toEqual([33, 34]);
    // Deduplicated: the four sendfile calls are one entry with a count.
    expect(r.missingAfter.find((m) => m.good.line === 34)?.count).toBe(4);
    expect(r.missingAfter.length).toBeLessThanOrEqual(50);
  });

  it('is silent on the same trace twice', async () => {
    expect((await diff('nginx-cache-enospc/good.strace', 'nginx-cache-enospc/good.strace')).divergence).toBeNull();
    expect((await diff('nginx-cache-enospc/bad.strace', 'nginx-cache-enospc/bad.strace')).divergence).toBeNull();
  });
});

describe('nginx with its cache on a full tmpfs (recorded here)', () => {
  // The same work taken with the seed's flags and with -f -tt -T -yy: the answer must not depend on the flags.
  for (const suffix of ['', '-ftt']) {
    it(`points at the failing pwritev${suffix ? ' (-f -tt -T -yy)' : ' (-p -v)'}`, async () => {
      const r = await diff(`nginx-tmpfs-enospc/good${suffix}.strace`, `nginx-tmpfs-enospc/bad${suffix}.strace`);
      expect(r.divergence?.kind).toBe('result');
      expect(r.divergence?.bad?.line).toBe(28);
      expect(r.divergence?.good?.line).toBe(28);
      expect(r.divergence?.bad?.text).toMatch(/pwritev\(14.*= -1 ENOSPC/);
      const calls = r.missingAfter.map((m) => callName(m.good.text));
      expect(calls).toContain('writev');
      expect(calls).toContain('sendfile');
      expect(missingLines(r)).toContain(31);
      expect(missingLines(r)).toContain(32);
    });
  }

  it('gives the same answer whichever flags recorded the pair', async () => {
    const a = await diff('nginx-tmpfs-enospc/good.strace', 'nginx-tmpfs-enospc/bad.strace');
    const b = await diff('nginx-tmpfs-enospc/good-ftt.strace', 'nginx-tmpfs-enospc/bad-ftt.strace');
    expect(b.divergence?.kind).toBe(a.divergence?.kind);
    expect(b.divergence?.bad?.line).toBe(a.divergence?.bad?.line);
    expect(b.missingAfter.map((m) => callName(m.good.text))).toEqual(a.missingAfter.map((m) => callName(m.good.text)));
  });
});

describe('a shell script whose config file is missing (strace -f)', () => {
  it('picks the ENOENT that matters out of the PATH and locale probes', async () => {
    const r = await diff('shell-missing-config/good.strace', 'shell-missing-config/bad.strace');
    expect(r.divergence?.kind).toBe('result');
    // The openat was split by another pid's line: it starts at 1014 and resumes at 1017.
    expect(r.divergence?.bad?.line).toBe(1014);
    expect(r.divergence?.bad?.endLine).toBe(1017);
    expect(r.divergence?.bad?.text).toMatch(/app\.conf.*<\.\.\. openat resumed>\) = -1 ENOENT/);
    expect(r.divergence?.good?.line).toBe(1008);
    expect(r.divergence?.summary).toMatch(/app\.conf failed with ENOENT/);
    // The wc child, the write of out.txt and the cat child never happen in bad.
    expect(missingLines(r)).toEqual(expect.arrayContaining([1370, 1520, 1568]));
  });
});

describe('a client whose connect is refused', () => {
  it('curl (non-blocking connect): the refusal read back with getsockopt(SO_ERROR)', async () => {
    const r = await diff('connect-refused/good.strace', 'connect-refused/bad.strace');
    expect(r.divergence?.kind).toBe('result');
    expect(r.divergence?.bad?.line).toBe(472);
    expect(r.divergence?.bad?.text).toMatch(/getsockopt\(.*SO_ERROR, \[ECONNREFUSED\]/);
    expect(r.divergence?.good?.line).toBe(472);
    expect(r.divergence?.summary).toMatch(/ECONNREFUSED/);
    expect(missingLines(r)).toEqual(expect.arrayContaining([478, 485]));
  });

  it('wget (blocking connect): connect() = -1 ECONNREFUSED', async () => {
    const r = await diff('connect-refused/good-wget.strace', 'connect-refused/bad-wget.strace');
    expect(r.divergence?.kind).toBe('result');
    expect(r.divergence?.bad?.line).toBe(265);
    expect(r.divergence?.good?.line).toBe(265);
    expect(r.divergence?.summary).toMatch(/^connect .*failed with ECONNREFUSED \(Connection refused\) in bad; in good it returned 0\.$/);
  });
});

describe('a backend that answers 2 s late (-T)', () => {
  it('wget: the pselect6 that waited is a timing divergence', async () => {
    const r = await diff('slow-backend/good-wget.strace', 'slow-backend/bad-wget.strace');
    expect(r.divergence?.kind).toBe('timing');
    expect(r.divergence?.bad?.line).toBe(268);
    expect(r.divergence?.good?.line).toBe(268);
    expect(r.divergence?.summary).toMatch(/^pselect6 .*took 2\.0\d\d s in bad and 0\.\d+ ms in good/);
  });

  it('curl: its poll loop waits in 1 s slices; the first slow one is reported', async () => {
    const r = await diff('slow-backend/good.strace', 'slow-backend/bad.strace');
    expect(r.divergence?.kind).toBe('timing');
    expect(r.divergence?.bad?.line).toBe(486);
    expect(r.divergence?.good?.line).toBe(481);
  });
});

describe('two good runs of the same work: no divergence (the false-positive tests)', () => {
  for (const program of ['curl', 'shell', 'nginx', 'python', 'ls']) {
    it(`${program}, both ways round`, async () => {
      const a = await diff(`good-twice/${program}/run1.strace`, `good-twice/${program}/run2.strace`);
      const b = await diff(`good-twice/${program}/run2.strace`, `good-twice/${program}/run1.strace`);
      expect(a.divergence).toBeNull();
      expect(b.divergence).toBeNull();
      expect(a.missingAfter).toEqual([]);
    });
  }

  it('the good run of one recorded case against the good run of another is not silent', async () => {
    // A guard against a differ that says "null" to everything.
    const r = await diff('good-twice/curl/run1.strace', 'good-twice/ls/run1.strace');
    expect(r.divergence).not.toBeNull();
  });
});

describe('every corpus strace log', () => {
  // Public logs of every shape (threads, -ff, -c, old strace): the differ must finish on each and
  // find nothing between a log and itself — nor crash between neighbours that have nothing in common.
  const files = [...straceFiles(`${CORPUS}/strace`), ...straceFiles(`${CORPUS}/generated-local`)];
  it('finds them', () => expect(files.length).toBeGreaterThan(40));
  it('diffs each against itself to no divergence, and each against the next without failing', async () => {
    const selfDiverging: string[] = [];
    for (let i = 0; i < files.length; i++) {
      const self = await diffTraces([files[i]!], [files[i]!], { version: 'test' });
      if (self.report.divergence) selfDiverging.push(files[i]!);
      if (i + 1 < files.length) {
        const cross = await diffTraces([files[i]!], [files[i + 1]!], { version: 'test' });
        expect(cross.report.missingAfter.length).toBeLessThanOrEqual(50);
      }
    }
    expect(selfDiverging).toEqual([]);
  }, 300_000);
});
