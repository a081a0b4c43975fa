#!/usr/bin/env node
/**
 * The tracediff command line. Exit status as diff(1): 0 nothing found,
 * 1 a divergence found, 2 trouble — with one clear line on stderr naming
 * the file, never a stack trace.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UsageError, VERSION } from './common.js';
import { REPORT_FORMATS, reportFormat } from './report-format.js';
import { filterOptions, filterSpec } from './filter-options.js';

/** yargs drops a bare `-` from variadic positionals; carry it through under another name. */
const STDIN_ARG = '\u0000stdin';
const fromArg = (a: string) => (a === STDIN_ARG ? '-' : a);

/**
 * yargs names an unknown option as it parsed it: `--no-such-option` becomes
 * "such-option, suchOption" (a negated `such-option`). Name it as typed.
 */
function asTyped(msg: string, argv: readonly string[]): string {
  const m = /^Unknown arguments?: (.*)$/.exec(msg);
  if (!m) return msg;
  const names = m[1]!.split(', ');
  const typed = argv.filter((a) => a.startsWith('-') && names.some((n) => a.replace(/^-+(no-)?/, '').split('=')[0] === n));
  return typed.length ? `unknown option${typed.length > 1 ? 's' : ''}: ${typed.join(', ')}` : msg;
}

async function main(argv: string[]): Promise<number> {
  let code = 0;
  const cli = yargs(argv.map((a) => (a === '-' ? STDIN_ARG : a)))
    .scriptName('tracediff')
    .usage('tracediff — compare a trace of a request that worked with one that failed, and point at the first divergence that matters\n\nUsage: $0 <good> <bad> [options]\n       $0 <command> [options]')
    .command(
      ['diff <good> <bad>', '$0 <good> <bad>'],
      'Align a good trace with a failing one and report the first meaningful divergence (the default command). Exit 0: same work; 1: divergence; 2: trouble',
      (y) =>
        filterOptions(y)
          .positional('good', { describe: 'trace of the run that worked: a strace log, an -ff directory, several files of one run as one comma-separated argument (a,b), or - for standard input', type: 'string', demandOption: true })
          .positional('bad', { describe: 'trace of the run that failed', type: 'string', demandOption: true })
          .option('format', { alias: 'f', choices: REPORT_FORMATS, describe: 'text: for the terminal (default); markdown: for a postmortem; html: one self-contained page with a timeline picture; json: docs/contract.md (default from --out\'s extension: .md, .html, .json)' })
          .option('out', { alias: 'o', type: 'string', describe: 'write the report to FILE instead of standard output' })
          .option('context', { alias: 'C', type: 'number', default: 3, describe: 'lines of context around the divergence' })
          .option('color', { type: 'boolean', describe: 'colour the text report (default: on a terminal, unless NO_COLOR is set); --no-color turns it off' })
          .option('progress', { type: 'boolean', describe: 'a progress line on stderr while inputs take more than a second to read (default: on a terminal, never in CI or a pipe)' })
          .option('input-format', { choices: ['strace', 'tcpdump', 'pcap', 'pcapng'] as const, describe: 'read every input as this format instead of detecting it from the content' })
          .option('workers', { type: 'boolean', default: true, describe: 'read the two sides at once in worker threads (text and json reports, files not stdin); --no-workers reads them one after the other' })
          .option('clock-offset', { type: 'string', array: true, requiresArg: true, describe: 'FILE=SECONDS: add SECONDS to that input\'s clock to put it on the common timeline (repeatable; docs/timeline.md)' })
          .example('$0 samples/nginx-cache-enospc/good.strace samples/nginx-cache-enospc/bad.strace', 'the ENOSPC cache write that turned into a 502')
          .example('$0 samples/connect-refused/good-wget.strace samples/connect-refused/bad-wget.strace --format json', 'the contract JSON for a refused connect')
          .example('$0 samples/nginx-cache-enospc/good.strace samples/nginx-cache-enospc/bad.strace --out report.html', 'the same as one self-contained HTML page with a timeline picture (format from the extension)')
          .example('$0 samples/nginx-cache-enospc/good.strace samples/nginx-cache-enospc/bad.strace --format markdown > postmortem.md', 'Markdown to paste into a postmortem, with input SHA-256s')
          .example('$0 samples/good-twice/curl/run1.strace samples/good-twice/curl/run2.strace; echo $?', 'two good runs: no divergence, exit 0')
          .example('$0 samples/connect-refused/good-wget.strace samples/connect-refused/bad-wget.strace --trace=%network', 'only the network calls of both runs')
          .example('$0 samples/captures/http-ok-vs-refused/good.pcap samples/captures/http-ok-vs-refused/bad.pcap', 'captures: the RST where good got a SYN-ACK (packet 2)')
          .example('$0 samples/captures/syn-dropped/good-client.strace,samples/captures/syn-dropped/good.pcap samples/captures/syn-dropped/bad-client.strace,samples/captures/syn-dropped/bad.pcap', "a side of one run's strace and capture: good's SYN-ACK never comes"),
      async (args) => {
        const context = args.context;
        if (!Number.isInteger(context) || context < 0 || context > 1000) throw new UsageError(`--context must be a whole number from 0 to 1000, not ${String(args.context)}`);
        // Commands load when used: `parse` of a capture never loads the differ or the text grammars.
        const filter = filterSpec(args);
        const { diffCommand } = await import('./diff-command.js');
        let clockOffsets: Map<string, number> | undefined;
        if (args.clockOffset?.length) {
          const { parseClockOffsets } = await import('../timeline/clock.js');
          try {
            clockOffsets = parseClockOffsets(args.clockOffset.map(String));
          } catch (e) {
            throw new UsageError((e as Error).message);
          }
          // Each side ignores the names of the other's files, so a name on neither is checked here.
          const { existsSync } = await import('node:fs');
          for (const name of clockOffsets.keys()) if (name !== '-' && !existsSync(name)) throw new UsageError(`--clock-offset ${name}: no such file or directory`);
        }
        code = await diffCommand({
          ...(clockOffsets ? { clockOffsets } : {}),
          good: fromArg(args.good as string),
          bad: fromArg(args.bad as string),
          format: reportFormat(args.format, args.out),
          argv,
          ...(filter ? { filter } : {}),
          ...(args.out !== undefined ? { out: args.out } : {}),
          context,
          ...(args.color !== undefined ? { color: args.color } : {}),
          ...(args.progress !== undefined ? { progress: args.progress } : {}),
          ...(args.inputFormat ? { inputFormat: args.inputFormat } : {}),
          workers: args.workers,
        });
      },
    )
    .command(
      'analyze <traces..>',
      'Find what went wrong in one incident (no good run needed): failed calls by errno with their usual causes, processes killed or stuck, SYNs unanswered, refusals, resets. Exit 0: no error found; 1: an error finding; 2: trouble',
      (y) =>
        filterOptions(y)
          .positional('traces', { describe: 'the files of one run: strace logs, captures, tcpdump text (detected from the content); a directory of an -ff set; - is standard input', type: 'string', array: true, demandOption: true })
          .option('format', { alias: 'f', choices: REPORT_FORMATS, describe: 'text (default), markdown, html or json (docs/contract.md); default from --out\'s extension' })
          .option('out', { alias: 'o', type: 'string', describe: 'write the report to FILE instead of standard output' })
          .option('color', { type: 'boolean', describe: 'colour the text report (default: on a terminal, unless NO_COLOR is set); --no-color turns it off' })
          .option('progress', { type: 'boolean', describe: 'a progress line on stderr while inputs take more than a second to read (default: on a terminal, never in CI or a pipe)' })
          .option('input-format', { choices: ['strace', 'tcpdump', 'pcap', 'pcapng'] as const, describe: 'read every input as this format instead of detecting it from the content' })
          .example('$0 analyze samples/nginx-cache-enospc/bad.strace', 'errno.ENOSPC: the cache write that failed, and what to check')
          .example('$0 analyze samples/captures/syn-dropped/bad-client.strace samples/captures/syn-dropped/bad.pcap', 'tcp.syn-unanswered: 4 SYNs never answered, and curl exiting 28')
          .example('$0 analyze samples/captures/http-ok-vs-refused/bad.pcap --format json', 'the contract JSON for a refused connection')
          .example('$0 analyze samples/captures/syn-dropped/bad-client.strace samples/captures/syn-dropped/bad.pcap --port 18182 --ignore=%memory', 'only the connection to port 18182, and no memory calls'),
      async (args) => {
        const filter = filterSpec(args);
        const { analyzeCommand } = await import('./analyze-command.js');
        code = await analyzeCommand({
          ...(filter ? { filter } : {}),
          traces: (args.traces as string[]).map(fromArg),
          format: reportFormat(args.format, args.out),
          argv,
          ...(args.out !== undefined ? { out: args.out } : {}),
          ...(args.color !== undefined ? { color: args.color } : {}),
          ...(args.progress !== undefined ? { progress: args.progress } : {}),
          ...(args.inputFormat ? { inputFormat: args.inputFormat } : {}),
        });
      },
    )
    .command(
      'parse <traces..>',
      'Parse traces into the common event timeline: one JSON object a line, or a Chrome/Perfetto trace',
      (y) =>
        filterOptions(y)
          .positional('traces', {
            describe: 'strace logs, pcap/pcapng captures, tcpdump text (detected from the content, gzip undone); a directory or several files of a `strace -ff -o trace` set are merged by time; - is standard input',
            type: 'string',
            array: true,
            demandOption: true,
          })
          .option('format', { alias: 'f', choices: ['jsonl', 'json', 'chrome-trace'] as const, default: 'jsonl' as const, describe: 'jsonl: one event a line, streamed; json: one array (small inputs); chrome-trace: Trace Event Format JSON for ui.perfetto.dev and chrome://tracing (docs/chrome-trace.md)' })
          .option('out', { alias: 'o', type: 'string', describe: 'write to FILE instead of standard output' })
          .option('input-format', { choices: ['strace', 'tcpdump', 'pcap', 'pcapng'] as const, describe: 'read every input as this format instead of detecting it from the content' })
          .option('envelope', { type: 'boolean', default: false, describe: 'only pid, time, name, result, errno, duration: no argument trees or fd tables (fastest)' })
          .option('stats', { type: 'boolean', default: false, describe: 'print line classification counts to stderr' })
          .option('clock-offset', { type: 'string', array: true, requiresArg: true, describe: 'FILE=SECONDS: add SECONDS to that input\'s clock to put it on the common timeline (repeatable; docs/timeline.md)' })
          .option('flows', { type: 'boolean', default: true, describe: 'with a strace log and a capture of one run, give the syscalls and packets of each linked TCP connection the same `flow` (holds the events in memory; --no-flows streams)' })
          .example('$0 parse samples/nginx-cache-enospc/bad.strace', 'events of the failing nginx request, one JSON object a line')
          .example('$0 parse samples/strace-flags/ff/ --format json', 'an -ff set merged into one timeline')
          .example('$0 parse samples/captures/syn-dropped/bad.pcap', 'packet events of a capture: the retransmitted SYNs')
          .example('$0 parse samples/captures/syn-dropped/bad.txt', "the same packets from tcpdump's text")
          .example('$0 parse samples/captures/syn-dropped/bad-client.strace samples/captures/syn-dropped/bad.pcap', "curl's syscalls and its packets on one timeline")
          .example('$0 parse --format chrome-trace -o curl.json samples/captures/syn-dropped/bad-client.strace samples/captures/syn-dropped/bad.pcap', "the same for ui.perfetto.dev: a track per process and per connection, arrows from connect to its SYNs")
          .example('strace -f -tt -T -yy -o - ls 2>&1 >/dev/null | $0 parse -', 'parse from standard input'),
      async (args) => {
        const filter = filterSpec(args);
        const { parseCommand } = await import('./parse-command.js');
        code = await parseCommand({
          ...(filter ? { filter } : {}),
          traces: (args.traces as string[]).map(fromArg),
          format: args.format,
          out: args.out,
          envelope: args.envelope,
          ...(args.inputFormat ? { inputFormat: args.inputFormat } : {}),
          stats: args.stats,
          ...(args.clockOffset?.length ? { clockOffsets: args.clockOffset.map(String) } : {}),
          flows: args.flows,
        });
      },
    )
    // `tracediff completion >> ~/.bashrc` (or ~/.zshrc): yargs completes commands, options and their choices.
    .completion('completion', 'print a bash/zsh completion script: tracediff completion >> ~/.bashrc')
    .strict()
    .version(VERSION)
    .alias('v', 'version')
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      // yargs writes some messages over several lines ("Invalid values:\n  Argument: …"); the contract wants one.
      throw new UsageError(asTyped(msg, argv).replace(/:?\s*\n\s*/g, ': ').replace(/: $/, ''));
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
