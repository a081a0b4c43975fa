/**
 * docs/api.md cannot rot: every ```ts block in it is type-checked (strict,
 * nodenext) against the built declarations, then transpiled, its imports of
 * 'tracediff' pointed at the build through package.json's `exports`, and run
 * with node from the repository root. Each block says what it prints in
 * `// → text` lines; they must appear in its standard output, in order.
 *
 * Needs the build (`npm test` runs tsc first).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from './helpers/cli.js';
import { REPO } from './helpers/corpus.js';

const GUIDE = join(REPO, 'docs/api.md');

interface Block {
  /** 1-based line of the opening fence in docs/api.md. */
  line: number;
  /** The heading the block sits under. */
  heading: string;
  code: string;
  expected: string[];
}

/** The ```ts blocks of a Markdown text, with the `// →` lines of each. */
function tsBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const h = /^#{1,6} (.*)/.exec(l);
    if (h) heading = h[1]!;
    if (!/^```ts\s*$/.test(l)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    const expected = body.flatMap((b) => {
      const m = /^\s*\/\/ → (.*)$/.exec(b);
      return m ? [m[1]!] : [];
    });
    blocks.push({ line: start + 1, heading, code: body.join('\n') + '\n', expected });
  }
  return blocks;
}

/** package.json's exports, subpath → { types, default } as absolute paths. */
function exportsMap(): Map<string, { types?: string; js: string }> {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; exports: Record<string, string | { types?: string; default?: string; import?: string }> };
  const out = new Map<string, { types?: string; js: string }>();
  for (const [sub, target] of Object.entries(pkg.exports)) {
    const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
    if (typeof target === 'string') out.set(spec, { js: join(REPO, target) });
    else out.set(spec, { js: join(REPO, (target.default ?? target.import)!), ...(target.types ? { types: join(REPO, target.types) } : {}) });
  }
  return out;
}

/**
 * Point every 'tracediff…' string literal at the build: a file URL where it is
 * imported (`from '…'`, `import('…')`), an absolute path elsewhere (require).
 */
function pointAtBuild(js: string, exp: Map<string, { js: string }>): string {
  return js.replace(/(\bfrom\s*|\bimport\s*\(\s*)?(['"])(tracediff(?:\/[^'"]*)?)\2/g, (whole, importing: string | undefined, _q: string, spec: string) => {
    const target = exp.get(spec);
    if (!target) throw new Error(`docs/api.md imports ${spec}, which package.json does not export`);
    const to = importing ? pathToFileURL(target.js).href : target.js;
    return `${importing ?? ''}${JSON.stringify(to)}`;
  });
}


/** Where each expected text is found in the output, in order; the first one missing is reported. */
function missingInOrder(out: string, expected: readonly string[]): string | undefined {
  let from = 0;
  for (const e of expected) {
    const at = out.indexOf(e, from);
    if (at < 0) return out.includes(e) ? `${e}  (printed, but out of order)` : e;
    from = at + e.length;
  }
  return undefined;
}

const markdown = readFileSync(GUIDE, 'utf8');
const blocks = tsBlocks(markdown);
const exp = exportsMap();
let dir: string;

beforeAll(() => {
  for (const [spec, t] of exp) if (spec !== 'tracediff/package.json' && !existsSync(t.js)) throw new Error(`${t.js} is missing: build first (npx tsc -p tsconfig.json)`);
  dir = mkdtempSync(join(tmpdir(), 'tracediff-api-guide-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('docs/api.md', () => {
  it('has a runnable example for every layer, each saying what it prints', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    for (const b of blocks) expect(b.expected.length, `docs/api.md:${b.line} (${b.heading}) has no "// → " line`).toBeGreaterThan(0);
    const code = blocks.map((b) => b.code).join('\n');
    for (const name of ['parseStraceText', 'openTraces', 'parseCapture', 'analyzeTraces', 'TcpAnalyzer', 'SyscallAnalyzer', 'correlate', 'diffTraces',
      'renderDiffText', 'renderDiffMarkdown', 'renderDiffHtml', 'renderDiffJson', 'ChromeTraceWriter', 'writeChromeTrace', 'buildEventFilter']) {
      expect(code, `no example uses ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
    }
  });

  it('every example type-checks (strict, nodenext) against the built declarations', () => {
    const paths: Record<string, string[]> = {};
    for (const [spec, t] of exp) if (t.types) paths[spec] = [t.types];
    const files = blocks.map((b, i) => {
      const f = join(dir, `check-${i}.mts`);
      writeFileSync(f, b.code);
      return f;
    });
    const program = ts.createProgram(files, {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      baseUrl: REPO,
      paths,
      typeRoots: [join(REPO, 'node_modules/@types')],
      types: ['node'],
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return text;
      const i = files.indexOf(d.file.fileName);
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      return i < 0 ? `${d.file.fileName}: ${text}` : `docs/api.md:${blocks[i]!.line + 1 + line} (${blocks[i]!.heading}): ${text}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);

  for (const [i, b] of blocks.entries()) {
    it(`line ${b.line} (${b.heading}) runs and prints what it says`, async () => {
      const js = ts.transpileModule(b.code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const file = join(dir, `example-${i}.mjs`);
      writeFileSync(file, pointAtBuild(js, exp));
      const r = await runNode([file], { env: { NO_COLOR: '1' } });
      expect(r.code, r.err).toBe(0);
      const missing = missingInOrder(r.out, b.expected);
      expect(missing === undefined ? undefined : `not in the output: ${missing}\n--- output ---\n${r.out}`).toBeUndefined();
    }, 120_000);
  }
});
