/**
 * Untrusted trace text renders inert in every report format, for `diff`
 * and for `analyze`. A good and a bad strace log (in the reader's own line
 * shapes, as `strace -yy` writes them) differ at a write whose string
 * argument, whose fd's -yy path and whose earlier openat path carry HTML,
 * Markdown and terminal control sequences; the bad run's writes fail with
 * ENOSPC and EACCES so findings quote that text as evidence and in their
 * titles. The same logs are also given under hostile file names (which,
 * unlike strace's quoted strings, carry raw bytes).
 *
 * - html: loaded in Chromium — only the report's own script, no <img>, no
 *   on* attribute, no javascript: URL, no request, no dialog; the hostile
 *   text is there as visible text.
 * - markdown: rendered with micromark (GFM tables and autolink literals,
 *   raw HTML and any protocol let through so that a leak shows) — no raw
 *   HTML element, link or image from the trace, and every fence closes
 *   where the renderer meant it to.
 * - text: no ESC, BEL, C1 or bidi control, colour off; colour on, only the
 *   report's own SGR sequences ESC[<digits>m.
 * - json: data, kept exactly (consumers escape).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { micromark } from 'micromark';
import { gfmAutolinkLiteral, gfmAutolinkLiteralHtml } from 'micromark-extension-gfm-autolink-literal';
import { gfmTable, gfmTableHtml } from 'micromark-extension-gfm-table';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchPage } from './helpers/browser.js';
import { runCli, type Ran } from './helpers/cli.js';
import { REPO } from './helpers/corpus.js';
import { SCRIPT } from '../src/render/html-assets.js';

const CHROMIUM = '/usr/bin/chromium';
const tmp = mkdtempSync(join(tmpdir(), 'tracediff-inject-'));

// ---------------------------------------------------------------- the hostile traces

const ESC = '\u001b';
const BEL = '\u0007';
const RLO = '\u202e';

/** Markup for a browser, a Markdown renderer and an XML parser, as printable ASCII strace shows as is. */
const MARKUP = '<script>alert(1)</script> <img src=x onerror=alert(1)> </textarea> </style> ]]> <!-- ``` ~~~ a|b [link](javascript:alert(1)) ![img](http://example.com/x.png)';
/** The string argument of the failing writes: markup, then what strace prints for ESC [2J, an OSC title and U+202E. */
const WRITTEN = `${MARKUP} \\33[2J \\33]0;title\\7 \\342\\200\\256`;
/** A path opened (and quoted by strace) with markup in it: the EACCES finding names it in prose. */
const OPENED = '/srv/cache/<script>alert(1)</script>/<img src=x onerror=alert(1)>/</textarea></style>]]>/```/~~~/a|b/[link](javascript:alert(1))/![img](http://example.com/x.png)';
/** A -yy decoration, which carries the path's raw bytes: clear screen, retitle the window, reverse the line. The ENOSPC finding names it. */
const RAW_PATH = `/srv/data${ESC}[2J${ESC}]0;title${BEL}${RLO}evil.dat`;
/** RAW_PATH as the reports show it: each control written out as an escape. */
const RAW_PATH_SHOWN = '/srv/data\\x1b[2J\\x1b]0;title\\x07\\u202eevil.dat';

function straceLog(bad: boolean): string {
  const lines = [
    `openat(AT_FDCWD, "${OPENED}", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3`,
    `openat(AT_FDCWD, "/srv/data", O_WRONLY|O_CREAT, 0644) = 4<${RAW_PATH}>`,
    `write(4<${RAW_PATH}>, "${WRITTEN}", 120) = ${bad ? '-1 ENOSPC (No space left on device)' : '120'}`,
    `write(3, "${WRITTEN}", 120) = ${bad ? '-1 EACCES (Permission denied)' : '120'}`,
    ...(bad ? ['write(2, "failed\\n", 7) = 7'] : ['close(3) = 0', `close(4<${RAW_PATH}>) = 0`, 'write(1, "done\\n", 5) = 5']),
    `exit_group(${bad ? 1 : 0}) = ?`,
    `+++ exited with ${bad ? 1 : 0} +++`,
  ];
  return lines.join('\n') + '\n';
}

const GOOD_LOG = straceLog(false);
const BAD_LOG = straceLog(true);
const BAD_LINES = BAD_LOG.split('\n');
const GOOD_LINES = GOOD_LOG.split('\n');

/** File names can hold anything but / and NUL, raw controls included. */
const NAMES = {
  good: 'good.strace',
  bad: 'bad.strace',
  /** Backticks (a code span's delimiter), a pipe (a table's), a fence of each kind, a link. */
  hostileGood: 'good `x` | y ``` ~~~ [link](javascript:alert(1)).strace',
  /** HTML, an OSC title, a clear screen and a bidi override. */
  hostileBad: `bad<img src=x onerror=alert(1)><script>alert(1)${ESC}]0;title${BEL}${ESC}[2J${RLO}.strace`,
  /** A backslash before a pipe, then HTML: a GFM table cell must neither end at that pipe nor let the HTML out. */
  backslashPipe: 'bs\\|<img src=x onerror=alert(1)>.strace',
};

const path = (name: string) => join(tmp, name);

/** How every report writes untrusted text: C0 and C1 controls as \\xNN, bidi controls as \\uNNNN. */
const shown = (s: string) =>
  s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/[\u202a-\u202e\u2066-\u2069]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
writeFileSync(path(NAMES.good), GOOD_LOG);
writeFileSync(path(NAMES.hostileGood), GOOD_LOG);
for (const n of [NAMES.bad, NAMES.hostileBad, NAMES.backslashPipe]) writeFileSync(path(n), BAD_LOG);

interface Case {
  name: string;
  good: string;
  bad: string;
  /** A piece of the bad file's name as every report must show it (controls written out). */
  badShown?: string;
}
const CASES: Case[] = [
  { name: 'hostile trace text', good: path(NAMES.good), bad: path(NAMES.bad) },
  { name: 'hostile file names', good: path(NAMES.hostileGood), bad: path(NAMES.hostileBad), badShown: shown(NAMES.hostileBad) },
  { name: 'a backslash before a pipe in a file name', good: path(NAMES.good), bad: path(NAMES.backslashPipe), badShown: NAMES.backslashPipe },
];

type Command = 'diff' | 'analyze';
type Variant = 'text-color' | 'text-plain' | 'markdown' | 'html' | 'json';
const VARIANTS: Record<Variant, string[]> = {
  'text-color': ['--format', 'text', '--color'],
  'text-plain': ['--format', 'text', '--no-color'],
  markdown: ['--format', 'markdown'],
  html: ['--format', 'html'],
  json: ['--format', 'json'],
};
const argsFor = (c: Case, cmd: Command) => (cmd === 'diff' ? ['diff', c.good, c.bad] : ['analyze', c.bad]);

// ---------------------------------------------------------------- running the CLI

const cli = (args: string[]) => runCli(args, { env: { SOURCE_DATE_EPOCH: '0', NO_COLOR: '' } });

const runs = new Map<string, Ran>();
const key = (c: Case, cmd: Command, v: Variant) => `${c.name} / ${cmd} / ${v}`;
function result(c: Case, cmd: Command, v: Variant): Ran {
  const r = runs.get(key(c, cmd, v));
  if (!r) throw new Error(`${key(c, cmd, v)} did not run`);
  return r;
}

let browser: Browser | undefined;

beforeAll(async () => {
  const jobs: Array<[string, string[]]> = [];
  for (const c of CASES) for (const cmd of ['diff', 'analyze'] as const) for (const [v, extra] of Object.entries(VARIANTS)) jobs.push([key(c, cmd, v as Variant), [...argsFor(c, cmd), ...extra]]);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [k, args] = jobs[next++]!;
      runs.set(k, await cli(args));
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}, 300_000);

afterAll(async () => {
  await browser?.close();
});

async function getBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: the HTML injection checks need it (CI installs the Debian chromium package)`);
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
  return browser;
}

// ---------------------------------------------------------------- helpers

/** ESC, BEL and every other C0 control but newline, DEL, C1 controls, bidi embeddings, overrides and isolates. */
const FORBIDDEN = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const describeChar = (s: string) => {
  const m = FORBIDDEN.exec(s);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${m.index}: …${JSON.stringify(s.slice(Math.max(0, m.index - 40), m.index + 20))}…` : 'none';
};

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decodeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITY[e.toLowerCase()] ?? m;
  });
}

/** GitHub-flavoured Markdown to HTML, letting raw HTML and any URL protocol through: what must not be there shows. */
function renderMarkdown(md: string): string {
  return micromark(md, {
    allowDangerousHtml: true,
    allowDangerousProtocol: true,
    extensions: [gfmTable(), gfmAutolinkLiteral()],
    htmlExtensions: [gfmTableHtml(), gfmAutolinkLiteralHtml()],
  });
}

interface Report {
  good?: { files: string[] };
  bad?: { files: string[] };
  files?: string[];
  divergence?: { kind: string; bad: { text: string } | null; good: { text: string } | null; summary: string } | null;
  missingAfter?: unknown[];
  findings: Array<{ id: string; title: string; explanation: string; evidence: Array<{ file: string; line?: number; text: string }> }>;
}

// ---------------------------------------------------------------- the checks

for (const c of CASES) {
  for (const cmd of ['diff', 'analyze'] as const) {
    describe(`${cmd}, ${c.name}`, () => {
      it('every format exits as documented (1: a divergence / an error finding) with nothing on stderr', () => {
        for (const v of Object.keys(VARIANTS) as Variant[]) {
          const r = result(c, cmd, v);
          expect(r.err, `${v}: stderr`).toBe('');
          expect(r.code, `${v}: exit status`).toBe(1);
        }
      });

      it('json: parses, round-trips, and keeps the hostile text exactly', () => {
        const out = result(c, cmd, 'json').out;
        const j = JSON.parse(out) as Report;
        expect(JSON.stringify(j, null, 2) + '\n').toBe(out);
        if (cmd === 'diff') {
          expect(j.good!.files).toEqual([c.good]);
          expect(j.bad!.files).toEqual([c.bad]);
          expect(j.divergence!.bad!.text).toBe(BAD_LINES[2]);
          expect(j.divergence!.good!.text).toBe(GOOD_LINES[2]);
          expect(j.divergence!.summary).toContain(RAW_PATH);
        } else {
          expect(j.files).toEqual([c.bad]);
        }
        const enospc = j.findings.find((f) => f.id === 'errno.ENOSPC');
        const eacces = j.findings.find((f) => f.id === 'errno.EACCES');
        expect(enospc, 'an errno.ENOSPC finding').toBeDefined();
        expect(eacces, 'an errno.EACCES finding').toBeDefined();
        expect(enospc!.title).toContain(RAW_PATH);
        expect(enospc!.evidence[0]).toEqual({ file: c.bad, line: 3, text: BAD_LINES[2] });
        expect(eacces!.title).toContain(OPENED);
        expect(eacces!.evidence[0]).toEqual({ file: c.bad, line: 4, text: BAD_LINES[3] });
      });

      it('text, colour off: no control or bidi character at all, and the hostile text is shown escaped', () => {
        const out = result(c, cmd, 'text-plain').out;
        expect(describeChar(out)).toBe('none');
        expect(out).toContain(RAW_PATH_SHOWN);
        expect(out).toContain('<script>alert(1)</script>');
        // The text report wraps prose at spaces, a space in a file name included: its last word is whole.
        if (c.badShown) expect(out).toContain(c.badShown.split(' ').pop());
      });

      it("text, colour on: only the report's own SGR sequences ESC[<digits>m", () => {
        const out = result(c, cmd, 'text-color').out;
        const sgr = out.match(/\u001b\[\d+m/g) ?? [];
        expect(sgr.length, 'colour is on').toBeGreaterThan(0);
        const rest = out.replace(/\u001b\[\d+m/g, '');
        expect(describeChar(rest)).toBe('none');
        expect(rest).toContain(RAW_PATH_SHOWN);
        // Without its colour it is the plain report.
        expect(rest).toBe(result(c, cmd, 'text-plain').out);
      });

      describe('markdown, rendered by micromark (GFM)', () => {
        const md = () => result(c, cmd, 'markdown').out;
        const html = () => renderMarkdown(md());
        const json = () => JSON.parse(result(c, cmd, 'json').out) as Report;

        it('no raw HTML element, comment or event handler from the trace', () => {
          const h = html();
          expect(h.match(/<(script|img|textarea|style|iframe|object|embed|svg|math|form|input|link|meta|base)\b[^>]*>?/gi) ?? []).toEqual([]);
          expect(h.match(/<!--.{0,40}/g) ?? []).toEqual([]);
          expect(h.match(/<[a-z][^>]*\son[a-z]+\s*=[^>]*>/gi) ?? []).toEqual([]);
          // The text is there, escaped.
          expect(h).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
          expect(h).toContain('&lt;img src=x onerror=alert(1)&gt;');
        });

        it('no link and no image from the trace', () => {
          const h = html();
          // The report itself makes no links; every <a> or <img> would be the trace's.
          expect(h.match(/<a\b[^>]*>[^<]*/gi) ?? []).toEqual([]);
          expect(h.match(/<img\b[^>]*>/gi) ?? []).toEqual([]);
          expect(h).not.toMatch(/(href|src)\s*=\s*["']?\s*javascript:/i);
        });

        it('every fence closes where the renderer meant: the code blocks, headings and tables are all there', () => {
          const j = json();
          const h = html();
          const withEvidence = j.findings.filter((f) => f.evidence.length).length;
          const d = j.divergence;
          const expected = (d ? (d.good ? 1 : 0) + (d.bad ? 1 : 0) : 0) + (j.missingAfter?.length ?? 0) + withEvidence + 1; // + the command
          const blocks = [...h.matchAll(/<pre><code[^>]*>([\s\S]*?)<\/code><\/pre>/g)].map((m) => decodeHtml(m[1]!));
          expect(blocks.length).toBe(expected);
          // Every section heading after the hostile blocks is still a heading, not code.
          const h2 = [...h.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1]);
          expect(h2).toEqual([...(cmd === 'diff' ? ['Where the runs diverge'] : []), 'Findings', 'Timeline of key events', 'How this was produced']);
          expect(h.match(/<table>/g)?.length).toBe(2);
          // The EACCES line, backtick fence and tilde fence in it, is inside one code block, whole.
          expect(blocks.some((b) => b.includes(BAD_LINES[3]!))).toBe(true);
          // And the write that diverges, after its -yy path (written out) in the context blocks.
          expect(blocks.some((b) => b.includes(`write(4<${RAW_PATH_SHOWN}>, "${WRITTEN}", 120) = -1 ENOSPC`))).toBe(true);
          // The command block names the files as given.
          expect(blocks[blocks.length - 1]).toMatch(/^tracediff (diff|analyze) /);
        });

        it('the key events and inputs tables keep every row whole: each file name whole in its own cell', () => {
          const h = html();
          const tables = [...h.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((t) =>
            [...t[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((x) => decodeHtml(x[1]!.replace(/<[^>]+>/g, '')))),
          );
          expect(tables).toHaveLength(2);
          const [keyEvents, inputs] = tables as [string[][], string[][]];
          const files = (cmd === 'diff' ? [c.good, c.bad] : [c.bad]).map(shown);
          // Key events: the Source column names a line of one of the inputs, nothing more, nothing less.
          const source = keyEvents[0]!.indexOf('Source');
          expect(source).toBeGreaterThanOrEqual(0);
          expect(keyEvents.length).toBeGreaterThan(1);
          for (const row of keyEvents.slice(1)) {
            const m = /^(.*):(\d+)$/s.exec(row[source]!);
            expect(m && files.includes(m[1]!), `key events Source cell ${JSON.stringify(row[source])} of row ${JSON.stringify(row)}`).toBe(true);
          }
          // Inputs: file, bytes, SHA-256.
          expect(inputs.slice(1).map((r) => r[0])).toEqual(files);
          for (const r of inputs.slice(1)) expect(r[2]).toMatch(/^[0-9a-f]{64}$/);
        });
      });

      it('html: inert in Chromium — only its own script, no image, handler or javascript: URL, no request, and the text is all there', async () => {
        const b = await getBrowser();
        const file = join(tmp, `${c.name.replace(/\W+/g, '-')}-${cmd}.html`);
        writeFileSync(file, result(c, cmd, 'html').out);
        const context = await b.newContext({ viewport: { width: 1200, height: 900 } });
        try {
          const page = await context.newPage();
          const url = pathToFileURL(file).href;
          const { requests, problems } = watchPage(page);
          await page.goto(url, { waitUntil: 'load' });
          await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
          const dom = await page.evaluate(() => {
            const all = [...document.querySelectorAll('*')];
            return {
              scripts: [...document.scripts].map((s) => s.textContent),
              embeds: all.filter((e) => /^(img|image|iframe|frame|object|embed|video|audio|source|link|base|form|input|textarea|meta)$/i.test(e.localName) && !(e.localName === 'meta' && e.parentElement === document.head)).map((e) => e.outerHTML.slice(0, 120)),
              handlers: all.flatMap((e) => [...e.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${e.localName} ${a.name}`)),
              jsUrls: all.flatMap((e) => [...e.attributes].filter((a) => /javascript:/i.test(a.value)).map((a) => `${e.localName} ${a.name}=${a.value.slice(0, 80)}`)),
              hrefs: all.flatMap((e) => [...e.attributes].filter((a) => /^(href|xlink:href|src|action|formaction)$/i.test(a.name)).map((a) => a.value)),
              headMetas: [...document.head.querySelectorAll('meta')].map((m) => m.getAttribute('http-equiv') ?? m.getAttribute('name') ?? m.getAttribute('charset')),
              text: document.body.textContent ?? '',
              title: document.title,
            };
          });
          expect(problems).toEqual([]);
          expect(requests).toEqual([url]);
          expect(dom.scripts).toEqual([SCRIPT]);
          expect(dom.embeds).toEqual([]);
          expect(dom.handlers).toEqual([]);
          expect(dom.jsUrls).toEqual([]);
          for (const h of dom.hrefs) expect(h).toMatch(/^#[A-Za-z][\w-]*$/);
          expect(dom.headMetas).toEqual(['utf-8', 'Content-Security-Policy', 'viewport', 'referrer']);
          // Nothing dropped: the markup and the (written out) controls are visible text.
          expect(dom.text).toContain(MARKUP);
          expect(dom.text).toContain(OPENED);
          expect(dom.text).toContain(RAW_PATH_SHOWN);
          if (c.badShown) expect(dom.text).toContain(c.badShown);
          expect(describeChar(dom.text.replace(/\n/g, ' '))).toBe('none');
          expect(describeChar(dom.title)).toBe('none');
        } finally {
          await context.close();
        }
      });
    });
  }
}

// ---------------------------------------------------------------- the checks are not vacuous

describe('the checks see a leak when there is one', () => {
  it('micromark, as configured here, lets raw HTML, javascript: links and autolinks through', () => {
    const h = renderMarkdown('<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) http://example.com/x.png\n\n| a |\n| --- |\n| <script>alert(1)</script> |\n');
    expect(h).toContain('<img src=x onerror=alert(1)>');
    expect(h).toContain('href="javascript:alert(1)"');
    expect(h).toContain('<a href="http://example.com/x.png">');
    expect(h).toContain('<td><script>alert(1)</script></td>');
  });

  it('Chromium, as used here, reports the request and the dialog of a page without escaping or CSP', async () => {
    const b = await getBrowser();
    const file = join(tmp, 'control.html');
    writeFileSync(file, '<!DOCTYPE html><html><body><p>x</p><img src="leak.png" onerror="alert(1)"></body></html>');
    const context = await b.newContext();
    try {
      const page = await context.newPage();
      const requests: string[] = [];
      const dialogs: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.waitForTimeout(200);
      expect(requests).toContain(pathToFileURL(join(tmp, 'leak.png')).href);
      expect(dialogs).toEqual(['1']);
    } finally {
      await context.close();
    }
  });
});
