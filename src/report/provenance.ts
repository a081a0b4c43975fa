/**
 * "How this was produced": what a reader of a postmortem needs to run the
 * same comparison again and know they have the same inputs — the tool and
 * its version, the command line, and each input file's size and SHA-256.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

export interface InputDigest {
  /** The path as the report names it (`-` for standard input). */
  file: string;
  bytes: number;
  sha256: string;
}

export interface Provenance {
  tool: 'tracediff';
  version: string;
  /** The command line as typed, quoted for a POSIX shell; absent for library calls that give none. */
  command?: string;
  /** Node.js version that ran it: parsing does not depend on it, but a reader reproducing a bug may. */
  node: string;
  /** ISO 8601, when the report was made (left out where the output must be reproducible, as in tests). */
  generated?: string;
  inputs: InputDigest[];
}

export interface ProvenanceOptions {
  version: string;
  /** The arguments after the program name. */
  argv?: readonly string[];
  /** Bytes read from standard input, hashed for an input named `-`. */
  stdin?: Buffer;
  generated?: Date;
}

/** Characters a POSIX shell takes literally outside quotes. */
const SHELL_SAFE = /^[A-Za-z0-9_\-+=.,/:@%^]+$/;

export function shellQuote(arg: string): string {
  if (arg !== '' && SHELL_SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

async function digestFile(file: string): Promise<InputDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  // Streamed: the inputs may be gigabytes.
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { file, bytes, sha256: hash.digest('hex') };
}

/** Digest each input file once, in the order given (a file on both sides of a diff is listed once). */
export async function provenance(files: readonly string[], opts: ProvenanceOptions): Promise<Provenance> {
  const inputs: InputDigest[] = [];
  for (const file of new Set(files)) {
    if (file === '-') {
      if (opts.stdin) inputs.push({ file, bytes: opts.stdin.length, sha256: createHash('sha256').update(opts.stdin).digest('hex') });
      continue;
    }
    // A file gone since it was read has nothing left to digest; the report still names it among the inputs.
    const st = await stat(file).catch(() => undefined);
    if (!st?.isFile()) continue;
    inputs.push(await digestFile(file));
  }
  const p: Provenance = { tool: 'tracediff', version: opts.version, node: process.version, inputs };
  if (opts.argv) p.command = ['tracediff', ...opts.argv.map(shellQuote)].join(' ');
  if (opts.generated) p.generated = opts.generated.toISOString();
  return p;
}
