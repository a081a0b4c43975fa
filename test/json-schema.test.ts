/**
 * The JSON Schemas of docs/schema/ against what the real CLI writes:
 * `diff --format json` over every good/bad pair of samples/, `analyze
 * --format json` over every bad side, and every line of `parse --format
 * jsonl` over strace logs, captures and tcpdump text from samples/ and the
 * shared corpus. The schemas are strict (required fields, no unknown
 * properties on the objects the project controls), so a field that changes
 * shape in src/ fails here until the schema and the docs say the same.
 * Negative cases show the schemas reject what the contract forbids.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, REPO } from './helpers/corpus.js';
import { runCli, type Ran } from './helpers/cli.js';
import { STRACE_PAIRS } from './helpers/sample-pairs.js';

const BIN = join(REPO, 'dist/src/cli/main.js');
const SCHEMAS = join(REPO, 'docs/schema');
const tmp = mkdtempSync(join(tmpdir(), 'tracediff-schema-'));

// ---------------------------------------------------------------- schemas, compiled once

const load = (name: string) => JSON.parse(readFileSync(join(SCHEMAS, name), 'utf8')) as { $id: string };
// strictTypes: every keyword sits where its type is declared. strictTuples off: findings[0] is an open tuple
// (prefixItems without maxItems), the one place the explaining finding may be.
const ajv = new Ajv2020({ allErrors: true, strictTypes: true, strictTuples: false });
ajv.addSchema(load('common.schema.json'));
const validators = {
  diff: ajv.compile(load('diff-report.schema.json')),
  analyze: ajv.compile(load('analyze-report.schema.json')),
  event: ajv.compile(load('event.schema.json')),
};
type SchemaName = keyof typeof validators;
const validated: Record<SchemaName, number> = { diff: 0, analyze: 0, event: 0 };

const show = (e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`;

/** ajv's errors for one document, as readable lines (empty when it is valid). */
function check(schema: SchemaName, doc: unknown): string[] {
  const v: ValidateFunction = validators[schema];
  validated[schema]++;
  return v(doc) ? [] : (v.errors ?? []).map(show);
}

// ---------------------------------------------------------------- the CLI, run concurrently

const cli = (args: string[], input?: string) => runCli(args, input !== undefined ? { input } : {});

interface Job {
  name: string;
  args: string[];
  input?: string;
}
const jobs: Job[] = [];
const results = new Map<string, Ran>();

// ---------------------------------------------------------------- what is run

const S = (p: string) => `samples/${p}`;
const C = (p: string) => join(CORPUS, p);

/** Good and bad sides of every sample pair (a side of several files is one comma-separated argument). */
const pairs: Array<[good: string, bad: string]> = [
  ...STRACE_PAIRS,
];
const cap = (d: string, f: string) => S(`captures/${d}/${f}`);
// Every capture pair from the pcap and from tcpdump's text of it.
for (const d of ['http-ok-vs-refused', 'syn-dropped', 'reset-after-request', 'udp-port-unreachable', 'any-interface', 'syn-retries-lowered', 'late-backend']) {
  pairs.push([cap(d, 'good.pcap'), cap(d, 'bad.pcap')], [cap(d, 'good.txt'), cap(d, 'bad.txt')]);
}
// The other recordings of some of them: pcapng, -# -v text (both line and packet on its events), -e text, the linear SYN backoff.
pairs.push(
  [cap('http-ok-vs-refused', 'good.pcapng'), cap('http-ok-vs-refused', 'bad.pcapng')],
  [cap('late-backend', 'good.pcapng'), cap('late-backend', 'bad.pcapng')],
  [cap('reset-after-request', 'good-v.txt'), cap('reset-after-request', 'bad-v.txt')],
  [cap('syn-retries-lowered', 'good-v.txt'), cap('syn-retries-lowered', 'bad-v.txt')],
  [cap('any-interface', 'good-e.txt'), cap('any-interface', 'bad-e.txt')],
  [cap('syn-dropped', 'good.pcap'), cap('syn-dropped', 'bad-linear.pcap')],
);
// A strace log and a capture of the same run as one side.
for (const d of ['http-ok-vs-refused', 'reset-after-request', 'syn-retries-lowered', 'good-twice']) {
  const [g, b] = d === 'good-twice' ? ['run1', 'run2'] : ['good', 'bad'];
  pairs.push([`${cap(d, `${g}-client.strace`)},${cap(d, `${g}.pcap`)}`, `${cap(d, `${b}-client.strace`)},${cap(d, `${b}.pcap`)}`]);
}
pairs.push([cap('good-twice', 'run1.pcap'), cap('good-twice', 'run2.pcap')], [cap('good-twice', 'run1.txt'), cap('good-twice', 'run2.txt')]);
const inc = (d: string, ...f: string[]) => f.map((x) => S(`incidents/${d}/${x}`)).join(',');
pairs.push(
  [inc('002-ephemeral-ports', 'good-client.strace', 'good.pcap'), inc('002-ephemeral-ports', 'bad-client.strace', 'bad.pcap')],
  [inc('002-ephemeral-ports', 'good.pcap'), inc('002-ephemeral-ports', 'bad.pcap')],
  [inc('003-fd-limit', 'good-server.strace', 'good.pcap'), inc('003-fd-limit', 'bad-server.strace', 'bad.pcap')],
  [inc('003-fd-limit', 'good-server.strace', 'good.pcap'), inc('003-fd-limit', 'bad-retry-server.strace', 'bad-retry.pcap')],
  [inc('004-backlog-stuck', 'good-server.strace'), inc('004-backlog-stuck', 'bad-server.strace')],
  [inc('004-backlog-stuck', 'good-server.strace', 'good.pcap'), inc('004-backlog-stuck', 'bad-server.strace', 'bad.pcap')],
);

for (const [g, b] of pairs) jobs.push({ name: `diff ${g} ${b}`, args: ['diff', g, b, '--format', 'json'] });
// analyze: every bad run (its files as separate arguments), once each; the other renderings of a capture
// (pcapng, tcpdump text) are left to the diffs above. good-twice has no bad run.
const badSides = [...new Set(pairs.map(([, b]) => b))].filter((b) => !b.includes('good-twice') && (!b.includes('/captures/') || /bad[-a-z]*\.pcap$/.test(b)));
for (const b of badSides) jobs.push({ name: `analyze ${b}`, args: ['analyze', ...b.split(','), '--format', 'json'] });

// Standard input: quoted from the bytes kept while reading.
const enospcBad = readFileSync(join(REPO, S('nginx-cache-enospc/bad.strace')), 'utf8');
jobs.push(
  { name: 'diff good -', args: ['diff', S('nginx-cache-enospc/good.strace'), '-', '--format', 'json'], input: enospcBad },
  { name: 'analyze -', args: ['analyze', '-', '--format', 'json'], input: enospcBad },
);
// Known drift (the 'known drift' test below): strace's `(errno 123)` for an errno it has no name for.
const unnamedErrno = 'open("/etc/app.conf", O_RDONLY) = -1 (errno 123)\n+++ exited with 1 +++\n';
jobs.push({ name: 'analyze - (errno 123)', args: ['analyze', '-', '--format', 'json'], input: unnamedErrno });

// parse: strace logs with every event kind, captures in each format, tcpdump text, and the corpus.
const whole = readFileSync(join(REPO, S('captures/http-ok-vs-refused/good.pcap')));
const cutPcap = join(tmp, 'cut.pcap');
writeFileSync(cutPcap, whole.subarray(0, whole.length - 10));
const wholeNg = readFileSync(join(REPO, S('captures/http-ok-vs-refused/good.pcapng')));
const cutPcapng = join(tmp, 'cut.pcapng');
writeFileSync(cutPcapng, wholeNg.subarray(0, wholeNg.length - 10));
const badText = join(tmp, 'bad-line.txt');
writeFileSync(badText, readFileSync(join(REPO, S('captures/late-backend/good.txt')), 'utf8').replace('\n', '\nthis is not a packet line\n'));

// The strace-flags logs are chosen so that every event kind and every field the model has is written at least once.
const parses: Array<{ name: string; args: string[]; input?: string }> = [
  ...[
    'nginx-cache-enospc/bad.strace',
    'shell-missing-config/bad.strace',
    'nginx-tmpfs-enospc/bad-ftt.strace',
    'strace-flags/Y-f.strace',
    'strace-flags/b-execve-f-stderr.strace',
    'strace-flags/C.strace',
    'strace-flags/tt-T.strace',
    'strace-flags/e-write-1-stderr.strace',
    'strace-flags/P-stderr.strace',
    'strace-flags/thread-exec-f.strace',
    'strace-flags/abort-core-f.strace',
    'strace-flags/e-quiet-attach-exit-f-stderr.strace',
    'strace-flags/f-p-attach-stderr.strace',
    'strace-flags/fault.strace',
    'strace-flags/k.strace',
    'strace-flags/r-ms.strace',
    'strace-flags/X-verbose.strace',
    'strace-flags/ff',
    'captures/http-ok-vs-refused/good.pcap',
    'captures/http-ok-vs-refused/good-ns.pcap',
    'captures/http-ok-vs-refused/good.pcapng',
    'captures/http-ok-vs-refused/good.txt',
    'captures/http-ok-vs-refused/good-S.txt',
    'captures/any-interface/bad-v.txt',
    'captures/any-interface/good-e.txt',
    'captures/any-interface/good-2if.pcapng',
    'captures/late-backend/good-any.pcap',
    'captures/udp-port-unreachable/bad.pcap',
  ].map((p) => ({ name: `parse ${S(p)}`, args: ['parse', S(p), '--format', 'jsonl'] })),
  // Its first lines are strace's own complaints, so detection needs the hint.
  { name: 'parse samples/strace-flags/strace-messages.strace', args: ['parse', S('strace-flags/strace-messages.strace'), '--input-format', 'strace'] },
  { name: 'parse strace + capture of one run (flows)', args: ['parse', S('captures/http-ok-vs-refused/bad-client.strace'), S('captures/http-ok-vs-refused/bad.pcap')] },
  { name: 'parse --envelope', args: ['parse', S('connect-refused/bad.strace'), '--envelope'] },
  { name: 'parse a pcap cut short', args: ['parse', cutPcap] },
  { name: 'parse a pcapng cut short', args: ['parse', cutPcapng] },
  { name: 'parse tcpdump text with a line that is not a packet', args: ['parse', badText] },
  { name: 'parse - (strace with a bad line)', args: ['parse', '-', '--input-format', 'strace'], input: 'hello from the program\nopen("/x", O_RDONLY) = -1 ENOENT (No such file or directory)\n+++ exited with 1 +++\n' },
  ...[
    'strace/Stana/stardict_T.out',
    'strace/SYN-flood/strace.txt',
    'generated-local/strace-misc/strace-f-threads-signal-stderr.txt',
    'generated-local/strace-misc/strace-i-n.txt',
    'generated-local/strace-misc/strace-SIGSEGV.txt',
    'generated-local/net/tcp-udp-any.pcap',
    'generated-local/net/tcp-udp-lo.pcapng',
    'generated-local/net/tcp-udp-lo.pcap.tcpdump-number-nn-tttt-v.txt',
    'zeek/captures/irc-dcc-send.pcapng',
    'zeek/captures/ldap__gap-data-missing.pcapng',
    'tcpdump/captures/ip_ts_opts_asan.pcap',
    'tcpdump/captures/heapoverflow-tcp_print.pcap',
  ].map((p) => ({ name: `parse corpus/${p}`, args: ['parse', C(p), '--format', 'jsonl'] })),
];
jobs.push(...parses);

const kindsSeen = new Map<string, number>();
/** Which branches of the diff schema real reports took, so the schema is known to be exercised, not just permissive. */
const diffSeen = new Set<string>();
function noteDiff(report: DiffJson): void {
  diffSeen.add(`divergence ${report.divergence?.kind ?? 'null'}`);
  const locs = [report.divergence?.bad, report.divergence?.good, ...report.missingAfter.map((m) => m.good), ...report.findings.flatMap((f) => f.evidence)];
  for (const l of locs) {
    if (l?.endLine !== undefined) diffSeen.add('endLine');
    if (l?.packet !== undefined) diffSeen.add('packet location');
  }
  if (report.findings[0]?.explainsDivergence) diffSeen.add('explainsDivergence');
  if (report.missingAfter.length > 0) diffSeen.add('missingAfter');
}
interface LocJson {
  line?: number;
  packet?: number;
  endLine?: number;
}
interface DiffJson {
  divergence: null | { kind: string; bad: LocJson | null; good: LocJson | null };
  missingAfter: Array<{ good: LocJson }>;
  findings: Array<{ evidence: LocJson[]; explainsDivergence?: boolean }>;
}

beforeAll(async () => {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const j = jobs[next++]!;
      results.set(j.name, await cli(j.args, j.input));
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, Math.max(2, availableParallelism())) }, worker));
}, 600_000);

afterAll(() => {
  console.log(`json-schema: validated ${validated.diff} diff reports, ${validated.analyze} analyze reports, ${validated.event} events (${[...kindsSeen].map(([k, n]) => `${k} ${n}`).join(', ')})`);
});

const result = (name: string): Ran => {
  const r = results.get(name);
  if (!r) throw new Error(`${name} did not run`);
  return r;
};

// ---------------------------------------------------------------- real output

describe('diff --format json matches docs/schema/diff-report.schema.json', () => {
  for (const [g, b] of pairs) {
    const name = `diff ${g} ${b}`;
    it(name, () => {
      const r = result(name);
      expect(r.err, name).toBe('');
      expect([0, 1], `${name}: exit ${r.code}`).toContain(r.code);
      const report = JSON.parse(r.out) as DiffJson;
      expect(check('diff', report), name).toEqual([]);
      noteDiff(report);
      // diff(1)'s exit status: 1 exactly when there is a divergence.
      expect(r.code, name).toBe(report.divergence === null ? 0 : 1);
    });
  }
  it('diff good - (bad on standard input)', () => {
    const r = result('diff good -');
    expect(r.code, r.err).toBe(1);
    const report = JSON.parse(r.out) as DiffJson;
    expect(check('diff', report), 'diff good -').toEqual([]);
    noteDiff(report);
  });
  it('the reports above take every branch of the schema the samples can give', () => {
    // `order` is never produced (docs/contract.md); no sample pair gives `extra`.
    expect([...diffSeen].sort()).toEqual(
      ['divergence missing', 'divergence null', 'divergence result', 'divergence timing', 'endLine', 'explainsDivergence', 'missingAfter', 'packet location'].sort(),
    );
  });
});

describe('analyze --format json matches docs/schema/analyze-report.schema.json', () => {
  for (const b of badSides) {
    const name = `analyze ${b}`;
    it(name, () => {
      const r = result(name);
      expect(r.err, name).toBe('');
      expect([0, 1], `${name}: exit ${r.code}`).toContain(r.code);
      expect(check('analyze', JSON.parse(r.out)), name).toEqual([]);
    });
  }
});

describe('analyze of standard input', () => {
  it('analyze - matches the schema', () => {
    const r = result('analyze -');
    expect(r.code, r.err).toBe(1);
    expect(check('analyze', JSON.parse(r.out)), 'analyze -').toEqual([]);
  });
  // strace prints an errno it has no name for as `(errno 123)`; the finding id stays dotted: errno.123.
  it('an errno strace has no name for gives the dotted finding id errno.123, and the report validates', () => {
    const r = result('analyze - (errno 123)');
    const report = JSON.parse(r.out) as { findings: Array<{ id: string }> };
    expect(report.findings.map((f) => f.id)).toContain('errno.123');
    expect(check('analyze', report)).toEqual([]);
  });
});

describe('parse --format jsonl: every line matches docs/schema/event.schema.json', () => {
  for (const p of parses) {
    it(p.name, () => {
      const r = result(p.name);
      expect(r.code, `${p.name}: ${r.err}`).toBe(0);
      const lines = r.out.split('\n').filter((l) => l !== '');
      expect(lines.length, p.name).toBeGreaterThan(0);
      const errors: string[] = [];
      lines.forEach((l, i) => {
        const ev = JSON.parse(l) as { kind: string };
        kindsSeen.set(ev.kind, (kindsSeen.get(ev.kind) ?? 0) + 1);
        for (const e of check('event', ev)) if (errors.length < 40) errors.push(`output line ${i + 1} (${l.slice(0, 160)}): ${e}`);
      });
      expect(errors, p.name).toEqual([]);
    });
  }
  it('the outputs above hold every kind of event', () => {
    expect([...kindsSeen.keys()].sort()).toEqual(['attach', 'detach', 'exit', 'message', 'packet', 'signal', 'summary', 'syscall', 'unparsed']);
  });
});

// ---------------------------------------------------------------- the schemas reject what the contract forbids

describe('the schemas reject what the contract forbids', () => {
  const loc = { file: 'bad.strace', line: 32, text: 'pwritev(…) = -1 ENOSPC (No space left on device)' };
  const finding = { id: 'errno.ENOSPC', severity: 'error', title: 'pwritev failed with ENOSPC', explanation: 'The filesystem is full.', evidence: [loc] };
  const report = {
    tool: 'tracediff',
    version: '0.1.0',
    good: { files: ['good.strace'], events: 58, unparsed: 0 },
    bad: { files: ['bad.strace'], events: 39, unparsed: 0 },
    divergence: { kind: 'result', bad: loc, good: { ...loc, file: 'good.strace', text: 'pwritev(…) = 12288' }, summary: 'pwritev failed in bad.' },
    missingAfter: [{ good: { file: 'good.strace', line: 33, text: 'writev(…) = 321' }, summary: 'writev: once in good.', count: 1 }],
    findings: [{ ...finding, explainsDivergence: true }],
  };
  const analyzeReport = { tool: 'tracediff', version: '0.1.0', files: ['bad.strace'], events: 39, findings: [finding] };
  const syscall = { kind: 'syscall', file: 'bad.strace', line: 1, name: 'open', argsText: '"/x", O_RDONLY', result: '-1', errno: 'ENOENT', args: [{ type: 'string', value: '/x' }, { type: 'name', name: 'O_RDONLY' }] };
  const withDivergence = (d: object) => ({ ...report, divergence: { ...report.divergence, ...d } });

  it('the well-formed documents these cases start from are accepted', () => {
    expect(check('diff', report)).toEqual([]);
    expect(check('diff', { ...report, divergence: null, missingAfter: [], findings: [finding] })).toEqual([]);
    expect(check('analyze', analyzeReport)).toEqual([]);
    expect(check('event', syscall)).toEqual([]);
    expect(check('event', { kind: 'packet', file: 'x.txt', line: 3, packet: 2, proto: 'udp', src: '127.0.0.1.5', dst: '127.0.0.1.6', len: 7 })).toEqual([]);
  });

  const rejected: Array<[string, SchemaName, unknown]> = [
    ['a divergence of kind "bogus"', 'diff', withDivergence({ kind: 'bogus' })],
    ['a location with neither line nor packet', 'diff', withDivergence({ bad: { file: 'bad.strace', text: 'x' } })],
    ['a location with both line and packet', 'diff', withDivergence({ bad: { file: 'bad.pcap', line: 2, packet: 2, text: 'x' } })],
    ['a location with line 0', 'diff', withDivergence({ bad: { ...loc, line: 0 } })],
    ['a location without text', 'diff', withDivergence({ bad: { file: 'bad.strace', line: 32 } })],
    ['an extra divergence with a good side', 'diff', withDivergence({ kind: 'extra' })],
    ['a missing divergence without good', 'diff', withDivergence({ kind: 'missing', good: null })],
    ['a finding without evidence', 'diff', { ...report, findings: [{ ...finding, evidence: undefined }] }],
    ['a finding with empty evidence', 'analyze', { ...analyzeReport, findings: [{ ...finding, evidence: [] }] }],
    ['a finding without evidence (analyze)', 'analyze', { ...analyzeReport, findings: [{ id: finding.id, severity: finding.severity, title: finding.title, explanation: finding.explanation }] }],
    ['a finding whose id is not dotted', 'analyze', { ...analyzeReport, findings: [{ ...finding, id: 'ENOSPC' }] }],
    ['a finding of severity "fatal"', 'analyze', { ...analyzeReport, findings: [{ ...finding, severity: 'fatal' }] }],
    ['explainsDivergence in analyze', 'analyze', { ...analyzeReport, findings: [{ ...finding, explainsDivergence: true }] }],
    ['explainsDivergence on a finding after the first', 'diff', { ...report, findings: [finding, { ...finding, explainsDivergence: true }] }],
    ['a version that is not semver', 'diff', { ...report, version: 'v1' }],
    ['a report without missingAfter', 'diff', { ...report, missingAfter: undefined }],
    ['51 missingAfter entries', 'diff', { ...report, missingAfter: Array.from({ length: 51 }, () => report.missingAfter[0]) }],
    ['a side without unparsed', 'diff', { ...report, bad: { files: ['bad.strace'], events: 39 } }],
    ['an unknown top-level field', 'analyze', { ...analyzeReport, extra: 1 }],
    ['{"kind":"syscall"} without its location', 'event', { kind: 'syscall' }],
    ['a syscall with file but no line', 'event', { kind: 'syscall', file: 'bad.strace', name: 'open', argsText: '', result: '0' }],
    ['a syscall without name', 'event', { ...syscall, name: undefined }],
    ['a finished syscall without result', 'event', { ...syscall, result: undefined }],
    ['a syscall with a packet number', 'event', { ...syscall, packet: 1 }],
    ['a syscall with an unknown field', 'event', { ...syscall, retval: 0 }],
    ['an argument of type "bogus"', 'event', { ...syscall, args: [{ type: 'bogus' }] }],
    ['a nested argument of type "bogus"', 'event', { ...syscall, args: [{ type: 'struct', items: [{ type: 'field', name: 'a', value: { type: 'bogus' } }] }] }],
    ['an event of kind "bogus"', 'event', { kind: 'bogus', file: 'x', line: 1 }],
    ['a packet without proto', 'event', { kind: 'packet', file: 'x.pcap', packet: 1, time: 1 }],
    ['a packet with neither line nor packet', 'event', { kind: 'packet', file: 'x.pcap', time: 1, proto: 'udp' }],
    ['a TCP packet without addresses', 'event', { kind: 'packet', file: 'x.pcap', packet: 1, time: 1, proto: 'tcp', flags: 'S', seq: 0, win: 1, len: 0 }],
    ['a SYN without seq', 'event', { kind: 'packet', file: 'x.pcap', packet: 1, time: 1, proto: 'tcp', src: '1.2.3.4.1', dst: '1.2.3.4.2', flags: 'S', win: 1, len: 0 }],
    ['an ACK without ack', 'event', { kind: 'packet', file: 'x.pcap', packet: 2, time: 1, proto: 'tcp', src: '1.2.3.4.1', dst: '1.2.3.4.2', flags: '.', win: 1, len: 0 }],
    ['a capture frame without time', 'event', { kind: 'packet', file: 'x.pcap', packet: 1, proto: 'udp', src: '1.2.3.4.1', dst: '1.2.3.4.2', len: 7 }],
    ['an unparsed event without reason', 'event', { kind: 'unparsed', file: 'x', line: 1, text: 'x' }],
    ['an exit that is neither a code nor a signal', 'event', { kind: 'exit', file: 'x', line: 1 }],
  ];
  for (const [name, schema, doc] of rejected) {
    it(`rejects ${name}`, () => {
      // JSON round trip: fields set to undefined above are absent, as in real output.
      expect(check(schema, JSON.parse(JSON.stringify(doc))), name).not.toEqual([]);
    });
  }
});
