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
