import { writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A problem the user can fix (bad usage, unreadable or unrecognised input): one line, exit 2. */
export class UsageError extends Error {}

function readVersion(): string {
  // dist/src/cli/common.js → package.json three levels up; src/cli/common.ts (vitest) → two.
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tracediff' && pkg.version) return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();

/** A report to --out FILE, or to standard output (a reader that went away, `| head`, is not an error). */
export async function writeReport(text: string, out: string | undefined): Promise<void> {
  if (out) {
    try {
      await writeFile(out, text);
    } catch (e) {
      throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
    }
    return;
  }
  await new Promise<void>((res) => {
    process.stdout.on('error', () => res());
    process.stdout.write(text, () => res());
  });
}
