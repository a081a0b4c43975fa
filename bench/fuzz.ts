/**
 * The long fuzzing session, run by hand (docs/fuzzing.md):
 *
 *   npx tsc -p tsconfig.json && node dist/bench/fuzz.js --minutes 10
 *   node dist/bench/fuzz.js --minutes 30 --seed 12345 --families strace,capture
 *
 * The same arbitraries and harness as the CI session (test/fuzz.test.ts),
 * without its budget: rounds of every family (each with its own seed,
 * printed, so any failure replays with `--seed`) until the time is up, after
 * one pass of the deterministic parts (every truncation of the capture set,
 * the 10 MB monsters, the regression inputs). Exit status 1 when anything failed.
 *
 * Options: --minutes N (10), --seed N (random), --families a,b (all four),
 * --round-seconds N (60), --input-timeout-ms N (4000), --no-fixed (skip the
 * deterministic parts).
 */
import { captureInput, detectInput, hostileInputs, regressionInputs, straceInput, tcpdumpInput } from './fuzz/arbitraries.js';
import { truncationSeeds } from './fuzz/corpus.js';
import { Watchdog, type FuzzInput } from './fuzz/harness.js';
import { counted, failureReport, fuzzFamily, summaryLine } from './fuzz/session.js';
import type fc from 'fast-check';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const minutes = Number(arg('minutes') ?? 10);
const baseSeed = arg('seed') !== undefined ? Number(arg('seed')) : Math.floor(Math.random() * 2 ** 31);
const families = (arg('families') ?? 'strace,tcpdump,capture,detect').split(',');
const skipFixed = process.argv.includes('--no-fixed');
const roundSeconds = Number(arg('round-seconds') ?? 60);
/** Per random input: stricter than CI's 8 s, so a superlinear case shows up here first (a linear ~100 KB input takes under 2 s). */
const inputTimeoutMs = Number(arg('input-timeout-ms') ?? 4000);

const ARBS: Record<string, () => fc.Arbitrary<FuzzInput>> = { strace: straceInput, tcpdump: tcpdumpInput, capture: captureInput, detect: detectInput };

async function main(): Promise<number> {
  const deadline = Date.now() + minutes * 60_000;
  console.log(`fuzz: ${minutes} minutes, families ${families.join(', ')}, base seed ${baseSeed} (replay with --seed ${baseSeed})`);
  const totals = new Map<string, { inputs: number; failures: number }>();
  const add = (family: string, inputs: number, failures: number) => {
    const t = totals.get(family) ?? { inputs: 0, failures: 0 };
    t.inputs += inputs;
    t.failures += failures;
    totals.set(family, t);
  };
  let failed = 0;
  const wd = new Watchdog({ heapMb: 1024 });
  try {
    if (!skipFixed) {
      const tally = { inputs: 0, failures: 0, maxMs: 0 };
      for (const seed of truncationSeeds()) {
        const r = await counted(wd, { type: 'truncations', input: { family: 'capture', label: seed.name, bytes: seed.bytes, format: seed.format, chunks: [7, 64, 3] } }, 600_000, tally);
        for (const f of r.failures) console.log(`FAIL ${f.label}\n  ${f.errors.join('\n  ')}`);
      }
      console.log(`fuzz capture truncations: ${tally.inputs} inputs, ${tally.failures} failures (every offset of ${truncationSeeds().length} captures, slowest ${tally.maxMs.toFixed(0)} ms)`);
      add('capture-truncation', tally.inputs, tally.failures);
      failed += tally.failures;
      const big = new Watchdog({ heapMb: 512 });
      const mt = { inputs: 0, failures: 0, maxMs: 0 };
      for (const m of hostileInputs()) {
        const r = await counted(big, { type: 'one', input: m.make() }, 120_000, mt);
        const res = r.result;
        console.log(`  ${r.failures.length ? 'FAIL' : 'ok  '} ${m.label}: ${res ? `${res.events} events, ${res.ms.toFixed(0)} ms, heap peak ${res.heapPeakMB?.toFixed(0)} MiB` : r.failures[0]?.errors.join('; ')}`);
        for (const f of r.failures) console.log(`    ${f.errors.join('\n    ')}`);
      }
      await big.close();
      console.log(`fuzz monsters: ${mt.inputs} inputs, ${mt.failures} failures`);
      add('monsters', mt.inputs, mt.failures);
      failed += mt.failures;
      const rt = { inputs: 0, failures: 0, maxMs: 0 };
      for (const input of regressionInputs()) {
        const r = await counted(wd, { type: 'one', input }, 120_000, rt);
        for (const f of r.failures) console.log(`FAIL ${f.label}\n  ${f.errors.join('\n  ')}`);
      }
      console.log(`fuzz regressions: ${rt.inputs} inputs, ${rt.failures} failures`);
      add('regressions', rt.inputs, rt.failures);
      failed += rt.failures;
    }
    for (let round = 0; Date.now() < deadline; round++) {
      for (const family of families) {
        const left = deadline - Date.now();
        if (left < 5_000) break;
        const seed = (baseSeed + round * 7919 + families.indexOf(family)) | 0;
        const r = await fuzzFamily(family, ARBS[family]!(), wd, { seed, numRuns: 1_000_000, timeLimitMs: Math.min(roundSeconds * 1000, left), inputTimeoutMs });
        console.log(summaryLine(r));
        if (r.slowest) console.log(`  slowest: ${r.slowest}`);
        if (r.failures) console.log(failureReport(r));
        add(family, r.inputs, r.failures);
        failed += r.failures;
      }
    }
  } finally {
    await wd.close();
  }
  console.log('totals:');
  for (const [family, t] of totals) console.log(`  ${family}: ${t.inputs} inputs, ${t.failures} failures`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(2);
  },
);
