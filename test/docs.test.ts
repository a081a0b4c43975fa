/**
 * Documentation that must not drift from the code: the differ's rule tables
 * printed in docs/differ.md, and the local links of the README and docs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { differRulesMarkdown, rulesSection } from '../src/knowledge/rules-doc.js';
import { REPO } from './helpers/corpus.js';

describe('docs', () => {
  it('docs/differ.md shows the rules the differ runs (npm run docs:rules)', () => {
    expect(rulesSection(join(REPO, 'docs/differ.md'))).toBe(differRulesMarkdown());
  });

  const pages = ['README.md', ...readdirSync(join(REPO, 'docs')).filter((n) => n.endsWith('.md')).map((n) => `docs/${n}`)];
  for (const page of pages) {
    it(`${page}: every relative link points at a file that exists`, () => {
      const text = readFileSync(join(REPO, page), 'utf8');
      const broken: string[] = [];
      for (const m of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(REPO, dirname(page), target))) broken.push(target);
      }
      expect(broken).toEqual([]);
    });
  }
});

describe('README quick start', () => {
  it('shows what `tracediff` prints for the bundled sample', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [join(REPO, 'dist/src/cli/main.js'), 'samples/nginx-cache-enospc/good.strace', 'samples/nginx-cache-enospc/bad.strace'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(1);
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const block = /```\n(Divergence \(result\)[\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    for (const line of block!.split('\n')) if (line && line !== '…') expect(r.stdout.split('\n')).toContain(line);
  });
});
