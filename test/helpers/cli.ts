/**
 * The CLI as a child process, asynchronously: test files that run it dozens
 * of times with spawnSync block vitest's worker long enough for its RPC to
 * time out on a loaded machine, and cannot run the processes in parallel.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './corpus.js';

export const BIN = join(REPO, 'dist/src/cli/main.js');

export interface Ran {
  code: number | null;
  out: string;
  err: string;
}

export interface RunOptions {
  /** Written to the child's standard input (which is closed either way). */
  input?: string | Buffer;
  /** Variables set on top of this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Variables removed from it. */
  unset?: readonly string[];
}

export function runCli(args: readonly string[], opts: RunOptions = {}): Promise<Ran> {
  return runNode([BIN, ...args], opts);
}

/** Node itself on a script and its arguments, in the repository (so sample paths resolve). */
export function runNode(args: readonly string[], opts: RunOptions = {}): Promise<Ran> {
  const env = { ...process.env, ...opts.env };
  for (const name of opts.unset ?? []) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { cwd: REPO, env, timeout: 120_000 });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out: Buffer.concat(out).toString('utf8'), err: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}
