#!/usr/bin/env node
/**
 * The tracediff command line. Exit status as diff(1): 0 nothing found,
 * 1 a divergence found, 2 trouble — with one clear line on stderr naming
 * the file, never a stack trace.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { parseCommand } from './parse-command.js';
import { UsageError, VERSION } from './common.js';

/** yargs drops a bare `-` from variadic positionals; carry it through under another name. */
const STDIN_ARG = '\u0000stdin';
const fromArg = (a: string) => (a === STDIN_ARG ? '-' : a);

async function main(argv: string[]): Promise<number> {
  let code = 0;
  const cli = yargs(argv.map((a) => (a === '-' ? STDIN_ARG : a)))
    .scriptName('tracediff')
    .usage('tracediff — parse traces into one event timeline (strace today; captures and diffs are coming)\n\nUsage: $0 <command> [options]')
    .command(
      'parse <trace..>',
      'Parse traces into the common event timeline (one JSON object a line)',
      (y) =>
        y
          .positional('trace', {
            describe: 'strace log(s); a directory or several files of a `strace -ff -o trace` set are merged by time; - is standard input',
            type: 'string',
            array: true,
            demandOption: true,
          })
          .option('format', { alias: 'f', choices: ['jsonl', 'json'] as const, default: 'jsonl' as const, describe: 'jsonl: one event a line, streamed; json: one array (small inputs)' })
          .option('out', { alias: 'o', type: 'string', describe: 'write to FILE instead of standard output' })
          .option('input-format', { choices: ['strace'] as const, describe: 'skip content detection' })
          .option('envelope', { type: 'boolean', default: false, describe: 'only pid, time, name, result, errno, duration: no argument trees or fd tables (fastest)' })
          .option('stats', { type: 'boolean', default: false, describe: 'print line classification counts to stderr' })
          .example('$0 parse samples/nginx-cache-enospc/bad.strace', 'events of the failing nginx request, one JSON object a line')
          .example('$0 parse samples/strace-flags/ff/ --format json', 'an -ff set merged into one timeline')
          .example('strace -f -tt -T -yy -o - ls 2>&1 >/dev/null | $0 parse -', 'parse from standard input'),
      async (args) => {
        code = await parseCommand({
          traces: (args.trace as string[]).map(fromArg),
          format: args.format,
          out: args.out,
          envelope: args.envelope,
          stats: args.stats,
        });
      },
    )
    .demandCommand(1, 'Give a command: `tracediff parse <trace>` (diff and analyze arrive in later releases).')
    .strict()
    .version(VERSION)
    .alias('v', 'version')
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  await cli.parseAsync();
  return code;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const msg = err instanceof UsageError ? err.message : err instanceof Error ? err.message : String(err);
    process.stderr.write(`tracediff: ${msg}\n`);
    if (process.env['TRACEDIFF_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 2;
  },
);
