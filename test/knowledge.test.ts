import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERRNOS, errnoByName, errnoByNumber, isKnownErrnoMessage } from '../src/knowledge/errno.js';
import { NULL_SIGNAL_NAMES, SIGNALS, signalByName, signalByNumber } from '../src/knowledge/signals.js';
import { SI_CODES, siCodeByName, siCodeByValue } from '../src/knowledge/si-codes.js';

// The shared corpus sits next to the repository (../shared/corpus from the
// repo root), not inside it, so resolve it relative to this file.
const CORPUS_ROOT = fileURLToPath(new URL('../../shared/corpus', import.meta.url));
const CORPUS_DIRS = ['strace', 'generated-local'].map((d) => path.join(CORPUS_ROOT, d));

interface CorpusFile {
  readonly rel: string;
  readonly text: string;
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
}

function loadCorpus(): CorpusFile[] {
  const files: string[] = [];
  for (const dir of CORPUS_DIRS) walk(dir, files);
  const out: CorpusFile[] = [];
  for (const file of files) {
    const buf = readFileSync(file);
    // Captures (pcap/pcapng) live alongside the traces; they cannot hold
    // strace lines and their bytes could fake a match.
    if (buf.includes(0)) continue;
    out.push({ rel: path.relative(CORPUS_ROOT, file), text: buf.toString('utf8') });
  }
  return out;
}

interface Hit {
  readonly file: string;
  readonly line: number;
  readonly groups: readonly string[];
}

function scan(corpus: readonly CorpusFile[], re: RegExp): Hit[] {
  const hits: Hit[] = [];
  for (const { rel, text } of corpus) {
    const lines = text.split('\n');
    lines.forEach((lineText, i) => {
      for (const m of lineText.matchAll(re)) {
        hits.push({ file: rel, line: i + 1, groups: m.slice(1).map((g) => g ?? '') });
      }
    });
  }
  return hits;
}

const where = (h: Hit): string => `${h.file}:${h.line}`;

describe('errno table', () => {
  it('has no duplicate numbers among canonical rows and no duplicate names at all', () => {
    const canonical = ERRNOS.filter((e) => e.aliasOf === undefined);
    const numbers = canonical.map((e) => e.number);
    expect(numbers.filter((n, i) => numbers.indexOf(n) !== i)).toEqual([]);
    const names = ERRNOS.map((e) => e.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('covers every asm-generic number from 1 to 133 except the unused 41 and 58', () => {
    const missing: number[] = [];
    for (let n = 1; n <= 133; n++) {
      if (n !== 41 && n !== 58 && errnoByNumber(n) === undefined) missing.push(n);
    }
    expect(missing).toEqual([]);
    expect(errnoByNumber(41)).toBeUndefined();
    expect(errnoByNumber(58)).toBeUndefined();
    expect(errnoByNumber(133)?.name).toBe('EHWPOISON');
  });

  it('has the kernel-internal codes with their kernel numbers', () => {
    const expected: Record<string, number> = {
      ERESTARTSYS: 512, ERESTARTNOINTR: 513, ERESTARTNOHAND: 514, ENOIOCTLCMD: 515,
      ERESTART_RESTARTBLOCK: 516, EPROBE_DEFER: 517, EOPENSTALE: 518, ENOPARAM: 519,
      EBADHANDLE: 521, ENOTSYNC: 522, EBADCOOKIE: 523, ENOTSUPP: 524, ETOOSMALL: 525,
      ESERVERFAULT: 526, EBADTYPE: 527, EJUKEBOX: 528, EIOCBQUEUED: 529,
      ERECALLCONFLICT: 530, ENOGRACE: 531,
    };
    const actual = Object.fromEntries(
      ERRNOS.filter((e) => e.kernelInternal).map((e) => [e.name, e.number]),
    );
    expect(actual).toEqual(expected);
    expect(ERRNOS.every((e) => e.kernelInternal === e.number >= 512)).toBe(true);
  });

  it('has the texts strace prints', () => {
    expect(errnoByName('ENOSPC')?.message).toBe('No space left on device');
    expect(errnoByName('EAGAIN')?.message).toBe('Resource temporarily unavailable');
    expect(errnoByName('ERESTARTSYS')?.message).toBe('To be restarted if SA_RESTART is set');
    expect(errnoByName('ERESTARTNOINTR')?.message).toBe('To be restarted');
    expect(errnoByName('ERESTARTNOHAND')?.message).toBe('To be restarted if no handler');
    expect(errnoByName('ERESTART_RESTARTBLOCK')?.message).toBe('Interrupted by signal');
    // strace has no text of its own for these: it prints glibc's strerror().
    expect(errnoByName('ENOIOCTLCMD')?.message).toBe('Unknown error 515');
  });

  it('marks exactly the four ERESTART* codes as restarts', () => {
    const restarting = ERRNOS.filter((e) => e.restart !== undefined).map((e) => e.name).sort();
    expect(restarting).toEqual(['ERESTARTNOHAND', 'ERESTARTNOINTR', 'ERESTARTSYS', 'ERESTART_RESTARTBLOCK']);
  });

  it('resolves aliases to the canonical row and numbers to the name strace prints', () => {
    expect(errnoByName('EWOULDBLOCK')).toBe(errnoByName('EAGAIN'));
    expect(errnoByName('EDEADLOCK')).toBe(errnoByName('EDEADLK'));
    expect(errnoByName('ENOTSUP')).toBe(errnoByName('EOPNOTSUPP'));
    expect(errnoByNumber(11)?.name).toBe('EAGAIN');
    expect(errnoByNumber(35)?.name).toBe('EDEADLK');
    expect(errnoByNumber(95)?.name).toBe('EOPNOTSUPP');
    const aliasRows = ERRNOS.filter((e) => e.aliasOf !== undefined);
    expect(aliasRows.map((e) => e.name).sort()).toEqual(['EDEADLOCK', 'ENOTSUP', 'EWOULDBLOCK']);
    for (const alias of aliasRows) {
      expect(alias.number).toBe(errnoByName(alias.aliasOf as string)?.number);
    }
    expect(errnoByName('EFOO')).toBeUndefined();
  });

  it('accepts historical texts only where one is recorded', () => {
    const estale = errnoByName('ESTALE');
    expect(estale && isKnownErrnoMessage(estale, 'Stale NFS file handle')).toBe(true);
    const enoent = errnoByName('ENOENT');
    expect(enoent && isKnownErrnoMessage(enoent, 'Stale NFS file handle')).toBe(false);
  });

  // The uapi headers describe the running system's kernel, which is a
  // stronger check than our own list; they are absent on minimal machines.
  const headers = ['/usr/include/asm-generic/errno-base.h', '/usr/include/asm-generic/errno.h'];
  it.skipIf(!headers.every((h) => existsSync(h)))('agrees with the installed asm-generic errno headers', () => {
    const mismatches: string[] = [];
    let seen = 0;
    for (const header of headers) {
      for (const m of readFileSync(header, 'utf8').matchAll(/#define\s+(E[A-Z0-9]+)\s+(\d+)/g)) {
        seen++;
        const info = errnoByName(m[1] as string);
        if (info?.number !== Number(m[2])) mismatches.push(`${m[1]}=${m[2]} but table has ${info?.number}`);
      }
    }
    expect(seen).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  });
});

describe('signal table', () => {
  it('has no duplicate numbers among canonical rows and no duplicate names at all', () => {
    const numbers = SIGNALS.filter((s) => s.aliasOf === undefined).map((s) => s.number);
    expect(numbers.filter((n, i) => numbers.indexOf(n) !== i)).toEqual([]);
    const names = SIGNALS.map((s) => s.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('covers 1..64 with the names strace prints', () => {
    for (let n = 1; n <= 64; n++) expect(signalByNumber(n), `signal ${n}`).toBeDefined();
    expect(signalByNumber(65)).toBeUndefined();
    expect(signalByNumber(9)?.name).toBe('SIGKILL');
    expect(signalByNumber(31)?.name).toBe('SIGSYS');
    expect(signalByNumber(32)?.name).toBe('SIGRTMIN');
    expect(signalByNumber(33)?.name).toBe('SIGRT_1');
    expect(signalByNumber(64)?.name).toBe('SIGRT_32');
  });

  it('has strsignal texts and default actions', () => {
    expect(signalByName('SIGKILL')?.description).toBe('Killed');
    expect(signalByName('SIGSEGV')?.description).toBe('Segmentation fault');
    expect(signalByName('SIGRT_2')?.description).toBe('Real-time signal 0');
    const actions = Object.fromEntries(
      ['SIGTERM', 'SIGSEGV', 'SIGCHLD', 'SIGWINCH', 'SIGTSTP', 'SIGCONT', 'SIGXFSZ', 'SIGIO', 'SIGRTMIN']
        .map((n) => [n, signalByName(n)?.defaultAction]),
    );
    expect(actions).toEqual({
      SIGTERM: 'term', SIGSEGV: 'core', SIGCHLD: 'ignore', SIGWINCH: 'ignore', SIGTSTP: 'stop',
      SIGCONT: 'cont', SIGXFSZ: 'core', SIGIO: 'term', SIGRTMIN: 'term',
    });
    const uncatchable = SIGNALS.filter((s) => !s.catchable && s.aliasOf === undefined).map((s) => s.name);
    expect(uncatchable.sort()).toEqual(['SIGKILL', 'SIGSTOP']);
  });

  it('resolves aliases and mask spellings', () => {
    expect(signalByName('SIGIOT')).toBe(signalByName('SIGABRT'));
    expect(signalByName('SIGPOLL')).toBe(signalByName('SIGIO'));
    expect(signalByName('SIGCLD')).toBe(signalByName('SIGCHLD'));
    expect(signalByName('SIGRTMAX')?.number).toBe(64);
    expect(signalByName('CHLD')).toBe(signalByName('SIGCHLD'));
    expect(signalByName('RT_1')?.number).toBe(33);
    expect(signalByName('SIGFOO')).toBeUndefined();
    expect(signalByName('FOO')).toBeUndefined();
  });
});

describe('si_code table', () => {
  it('has unique names and unique values within each signal', () => {
    const names = SI_CODES.map((c) => c.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const keys = SI_CODES.map((c) => `${c.signal ?? '*'}:${c.value}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    for (const c of SI_CODES) {
      if (c.signal !== undefined) expect(signalByName(c.signal), c.name).toBeDefined();
      expect(c.meaning.length, c.name).toBeGreaterThan(0);
    }
  });

  it('resolves values the way strace does: generic codes first, then per signal', () => {
    expect(siCodeByValue(1, 'SIGCHLD')?.name).toBe('CLD_EXITED');
    expect(siCodeByValue(1, 'SIGSEGV')?.name).toBe('SEGV_MAPERR');
    expect(siCodeByValue(1, 'SIGPOLL')?.name).toBe('POLL_IN');
    expect(siCodeByValue(0, 'SIGSEGV')?.name).toBe('SI_USER');
    expect(siCodeByValue(0x80, 'SIGWINCH')?.name).toBe('SI_KERNEL');
    expect(siCodeByValue(-6)?.name).toBe('SI_TKILL');
    expect(siCodeByValue(1)).toBeUndefined();
    expect(siCodeByValue(99, 'SIGCHLD')).toBeUndefined();
    expect(siCodeByName('SYS_SECCOMP')).toMatchObject({ value: 1, signal: 'SIGSYS' });
  });
});

describe('the strace corpus agrees with the tables', () => {
  const corpus = loadCorpus();

  it('is present and readable', () => {
    // Without this the checks below would pass vacuously on an empty scan.
    expect(corpus.length).toBeGreaterThan(50);
  });

  it('uses only known errno names, with the texts in the table', () => {
    const hits = scan(corpus, /= (?:-1|\?) (E[A-Z0-9_]+) \(([^)]*)\)/g);
    expect(hits.length).toBeGreaterThan(1000);
    const unknown: string[] = [];
    const mismatched: string[] = [];
    for (const h of hits) {
      const [name, text] = h.groups as [string, string];
      const info = errnoByName(name);
      if (!info) unknown.push(`${where(h)} ${name}`);
      else if (!isKnownErrnoMessage(info, text)) {
        mismatched.push(`${where(h)} ${name} printed "${text}", table has "${info.message}"`);
      }
    }
    expect(unknown).toEqual([]);
    expect(mismatched).toEqual([]);
  });

  it('uses only known signal names in signal, exit and siginfo lines', () => {
    const patterns: RegExp[] = [
      /--- (SIG[A-Z0-9_]+)[ {]/g,
      /\+\+\+ killed by (SIG[A-Z0-9_]+)/g,
      /--- stopped by (SIG[A-Z0-9_]+)/g,
      /si_signo=(SIG[A-Z0-9_]+)/g,
      /si_status=(SIG[A-Z0-9_]+)/g,
      /\brt_sigaction\((SIG[A-Z0-9_]+),/g,
      // `SIG_0` (old strace's kill(pid, 0)) is not a signal; checked separately.
      /\bt?g?kill\([^,]+(?:, [^,]+)?, (SIG[A-Z0-9]+(?:_[0-9]+)?)\)/g,
    ];
    const hits = patterns.flatMap((re) => scan(corpus, re));
    expect(hits.length).toBeGreaterThan(100);
    const unknown = hits.filter((h) => !signalByName(h.groups[0] as string)).map((h) => `${where(h)} ${h.groups[0]}`);
    expect(unknown).toEqual([]);
  });

  it('spells the kill(pid, 0) probe only in the known ways', () => {
    // 2011-era strace in Stana/stardict_T.out writes `kill(2538, SIG_0)`.
    const hits = scan(corpus, /\bt?g?kill\([^,]+(?:, [^,]+)?, (SIG_[A-Z0-9_]+)\)/g);
    expect(hits.length).toBeGreaterThan(0);
    const unknown = hits
      .filter((h) => !NULL_SIGNAL_NAMES.includes(h.groups[0] as string))
      .map((h) => `${where(h)} ${h.groups[0]}`);
    expect(unknown).toEqual([]);
    expect(signalByName('SIG_0')).toBeUndefined();
  });

  it('prints the table description in old-style signal lines', () => {
    // strace ≤ 4.7 wrote `--- SIGCHLD (Child exited) @ 0 (0) ---`, and 4.8
    // briefly wrote `--- {si_signo=SIGCHLD, ...} (Child exited) ---`.
    const hits = [
      ...scan(corpus, /--- (SIG[A-Z0-9_]+) \(([^)]*)\) @ /g),
      ...scan(corpus, /--- \{si_signo=(SIG[A-Z0-9_]+),.*\} \(([^)]*)\) ---/g),
    ];
    expect(hits.length).toBeGreaterThan(0);
    const mismatched = hits
      .filter((h) => signalByName(h.groups[0] as string)?.description !== h.groups[1])
      .map((h) => `${where(h)} ${h.groups[0]} printed "${h.groups[1]}", table has "${signalByName(h.groups[0] as string)?.description}"`);
    expect(mismatched).toEqual([]);
  });

  it('uses only known si_code names, each valid for its signal', () => {
    const hits = scan(corpus, /si_signo=(SIG[A-Z0-9_]+), si_code=([A-Z_][A-Z0-9_]*)/g);
    expect(hits.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const h of hits) {
      const [signal, code] = h.groups as [string, string];
      const info = siCodeByName(code);
      if (!info) problems.push(`${where(h)} unknown ${code}`);
      else if (siCodeByValue(info.value, signal) !== info) {
        problems.push(`${where(h)} ${code} is not what strace prints for ${signal} value ${info.value}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
