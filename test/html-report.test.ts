/**
 * The HTML report as a reader meets it: written by the real CLI, opened as
 * a file:// page in headless Chromium (through playwright-core). It must
 * load with no console or page errors, fetch nothing but itself (its CSP
 * forbids it anyway), show the divergence and the finding that explains
 * it, draw the retransmitted SYNs of syn-dropped (and none where the
 * connection is refused or reset), open an evidence's context on click,
 * read with JavaScript off, and print to PDF.
 *
 * It takes screenshots of the header, timeline and divergence on every run
 * (their bytes are not compared, only their shape and size); with
 * TRACEDIFF_UPDATE_SCREENSHOTS=1 it writes them to docs/images/
 * (report-seed000.png, report-syn-dropped.png), so a plain `npm test`
 * leaves the work tree clean.
 *
 * CI installs Chromium at /usr/bin/chromium; without it this file fails
 * (it does not skip).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchPage } from './helpers/browser.js';
import { runCli, type Ran } from './helpers/cli.js';
import { REPO } from './helpers/corpus.js';

const CHROMIUM = '/usr/bin/chromium';
const IMAGES = join(REPO, 'docs/images');
const tmp = mkdtempSync(join(tmpdir(), 'tracediff-html-'));

const SEED = 'samples/nginx-cache-enospc';
const SYN = 'samples/captures/syn-dropped';
const CAP = (d: string, f: string) => `samples/captures/${d}/${f}`;

interface ReportCase {
  args: string[];
  /** A diff with a divergence: `#divergence` and the bad panel's divergence mark are drawn. */
  divergence: boolean;
  /** The report lists what good does that bad never does (`#missing`). */
  missing: boolean;
  /** The timeline panel that holds the failing run (`#panel-bad`, or `#panel-this` for analyze). */
  panel: 'bad' | 'this';
  /** `.packet.retx` elements expected in that panel, with the packet numbers their tooltips name. */
  retx: { count: number; packets?: number[] };
  /** A finding whose evidence has context lines to unfold (a <details>). */
  details: boolean;
  /** Finding ids that must be on the page and visible. */
  findings: string[];
  screenshot?: string;
}

const REPORTS: Record<string, ReportCase> = {
  'seed 000 (nginx ENOSPC)': {
    args: ['diff', `${SEED}/good.strace`, `${SEED}/bad.strace`],
    divergence: true,
    missing: true,
    panel: 'bad',
    retx: { count: 0 },
    details: true,
    findings: ['errno.ENOSPC'],
    screenshot: 'report-seed000.png',
  },
  'syn-dropped captures': {
    args: ['diff', `${SYN}/good.pcap`, `${SYN}/bad.pcap`],
    divergence: true,
    missing: true,
    panel: 'bad',
    retx: { count: 3, packets: [2, 3, 4] },
    details: true,
    findings: ['tcp.syn-unanswered'],
    screenshot: 'report-syn-dropped.png',
  },
  'syn-dropped strace + capture sides': {
    args: ['diff', `${SYN}/good-client.strace,${SYN}/good.pcap`, `${SYN}/bad-client.strace,${SYN}/bad.pcap`],
    divergence: true,
    missing: true,
    panel: 'bad',
    retx: { count: 3, packets: [2, 3, 4] },
    details: true,
    findings: ['tcp.syn-unanswered'],
  },
  'analyze syn-dropped bad.pcap': {
    args: ['analyze', `${SYN}/bad.pcap`],
    divergence: false,
    missing: false,
    panel: 'this',
    retx: { count: 3, packets: [2, 3, 4] },
    details: true,
    findings: ['tcp.syn-unanswered'],
  },
  'http-ok-vs-refused captures (RST)': {
    args: ['diff', CAP('http-ok-vs-refused', 'good.pcap'), CAP('http-ok-vs-refused', 'bad.pcap')],
    divergence: true,
    missing: true,
    panel: 'bad',
    retx: { count: 0 },
    details: false,
    findings: [],
  },
  'reset-after-request captures': {
    args: ['diff', CAP('reset-after-request', 'good.pcap'), CAP('reset-after-request', 'bad.pcap')],
    divergence: true,
    missing: true,
    panel: 'bad',
    retx: { count: 0 },
    details: false,
    findings: [],
  },
};

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const VIEWPORT = { width: 1200, height: 900 };
/** Each docs image must stay below this (they are committed). */
const MAX_IMAGE_BYTES = 400 * 1024;

let browser: Browser;
const files = new Map<string, string>();
const timings: string[] = [];
const t0 = Date.now();

const cli = (args: string[]) => runCli(args, { env: { SOURCE_DATE_EPOCH: '0' } });

const slug = (name: string) => name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the HTML report tests need it (CI installs the Debian chromium package; apt-get install chromium)`);
  }
  const tLaunch = Date.now();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  timings.push(`browser launch ${Date.now() - tLaunch} ms`);

  const tCli = Date.now();
  const entries = Object.entries(REPORTS);
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const [name, c] = entries[next++]!;
      const out = join(tmp, `${slug(name)}.html`);
      const r = await cli([...c.args, '--out', out]);
      if (r.err !== '' || ![0, 1].includes(r.code ?? -1)) throw new Error(`tracediff ${c.args.join(' ')} --out ${out}: exit ${r.code}: ${r.err}`);
      files.set(name, out);
    }
  };
  await Promise.all([worker(), worker()]);
  timings.push(`${entries.length} reports written by the CLI in ${Date.now() - tCli} ms`);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  timings.push(`whole file ${Date.now() - t0} ms`);
  console.log(`html-report: ${timings.join('; ')}`);
});

interface Opened {
  page: Page;
  context: BrowserContext;
  url: string;
  requests: string[];
  /** Console errors, page errors and dialogs: there must be none. */
  problems: string[];
}

/** The report open in a fresh browser context for `use`, the context closed however `use` ends. */
async function onPage(name: string, use: (o: Opened) => Promise<void>, opts: { javaScriptEnabled?: boolean } = {}): Promise<void> {
  const o = await open(name, opts);
  try {
    await use(o);
  } finally {
    await o.context.close();
  }
}

async function open(name: string, opts: { javaScriptEnabled?: boolean } = {}): Promise<Opened> {
  const file = files.get(name);
  if (!file) throw new Error(`report ${name} was not written`);
  const context = await browser.newContext({ viewport: VIEWPORT, javaScriptEnabled: opts.javaScriptEnabled ?? true });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const { requests, problems } = watchPage(page);
  await page.goto(url, { waitUntil: 'load' });
  return { page, context, url, requests, problems };
}

/** Scrolled into view, visible, and its box inside the viewport. */
async function visibleInViewport(page: Page, selector: string): Promise<boolean> {
  const loc = page.locator(selector).first();
  await loc.scrollIntoViewIfNeeded();
  if (!(await loc.isVisible())) return false;
  const box = await loc.boundingBox();
  return box !== null && box.width > 0 && box.height > 0 && box.y < VIEWPORT.height && box.y + box.height > 0 && box.x < VIEWPORT.width && box.x + box.width > 0;
}

for (const [name, c] of Object.entries(REPORTS)) {
  describe(`HTML report: ${name}`, () => {
    it('loads with no console or page errors, requests nothing but itself, and carries its CSP', async () => {
      await onPage(name, async (o) => {
        expect(o.problems).toEqual([]);
        expect(o.requests).toEqual([o.url]);
        const csp = await o.page.locator('head meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
        expect(csp).toMatch(/default-src 'none'/);
        expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
        expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
        expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
        // The inline style was accepted by that CSP: the report is styled (a blocked style would also be a console error).
        expect(await o.page.locator('body').evaluate((b) => getComputedStyle(b).maxWidth)).toBe('1200px');
        // Scrolling and unfolding everything fetches nothing either.
        await o.page.evaluate(() => {
          document.querySelectorAll('details').forEach((d) => (d.open = true));
          window.scrollTo(0, document.body.scrollHeight);
        });
        expect(o.requests).toEqual([o.url]);
        expect(o.problems).toEqual([]);
      });
    });

    if (c.divergence) {
      it('shows the divergence: its section and the timeline mark in the bad panel are visible', async () => {
        await onPage(name, async (o) => {
          expect(await visibleInViewport(o.page, '#divergence')).toBe(true);
          expect(await o.page.locator('#divergence h2').textContent()).toMatch(/^Where the runs diverge/);
          expect(await o.page.locator('#panel-bad .mark.divergence').count()).toBe(1);
          expect(await visibleInViewport(o.page, '#panel-bad .mark.divergence')).toBe(true);
          // The mark links to the section.
          expect(await o.page.locator('#panel-bad a:has(.mark.divergence)').getAttribute('href')).toBe('#divergence');
        });
      });
    } else {
      it('has no divergence section (one run, no diff)', async () => {
        await onPage(name, async (o) => {
          expect(await o.page.locator('#divergence').count()).toBe(0);
          expect(await o.page.locator('.mark.divergence').count()).toBe(1); // the legend's
        });
      });
    }

    for (const id of c.findings) {
      it(`shows the finding ${id}`, async () => {
        await onPage(name, async (o) => {
          const finding = o.page.locator('article.finding', { has: o.page.locator('code.id', { hasText: id }) });
          expect(await finding.count()).toBe(1);
          await finding.scrollIntoViewIfNeeded();
          expect(await finding.isVisible()).toBe(true);
        });
      });
    }

    it(`draws ${c.retx.count} retransmitted packet${c.retx.count === 1 ? '' : 's'} in #panel-${c.panel}`, async () => {
      await onPage(name, async (o) => {
        const retx = o.page.locator(`#panel-${c.panel} .packet.retx`);
        expect(await retx.count()).toBe(c.retx.count);
        if (c.retx.packets) {
          const titles = await retx.locator('title').allTextContents();
          expect(titles.map((t) => Number(/ packet (\d+)/.exec(t)?.[1]))).toEqual(c.retx.packets);
          for (const t of titles) expect(t).toMatch(/bad\.pcap packet \d+\W.*Flags \[S\]/s);
        }
        // The legend explains the symbol either way.
        expect(await o.page.locator('.legend .packet.retx').count()).toBe(1);
      });
    });

    if (c.retx.packets) {
      it('gives each retransmission a two-line tooltip: when and where, then the packet', async () => {
        await onPage(name, async (o) => {
          const titles = await o.page.locator(`#panel-${c.panel} .packet.retx title`).allTextContents();
          expect(titles).toHaveLength(c.retx.count);
          // The renderer's own line break, not an escaped "\x0a" shown to the reader.
          for (const t of titles) expect(t).toMatch(/^\+\d[\d.]* m?s {2}\S+bad\.pcap packet \d+\nFlags \[S\]/);
        });
      });
    }

    if (c.details) {
      it("opens a finding's evidence on click and shows its context lines", async () => {
        await onPage(name, async (o) => {
          const details = o.page.locator('article.finding ul.evidence details').first();
          expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
          const context = details.locator('pre.context');
          expect(await context.isVisible()).toBe(false);
          await details.locator('summary').click();
          expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
          expect(await context.isVisible()).toBe(true);
          const lines = await context.locator('.ln').allTextContents();
          expect(lines.length).toBeGreaterThanOrEqual(2);
          // Consecutive line (or packet) numbers around the evidence, which is highlighted.
          const nums = lines.map(Number);
          expect(nums.every((n, i) => i === 0 || n === nums[i - 1]! + 1)).toBe(true);
          expect(await context.locator('.focus').count()).toBeGreaterThanOrEqual(1);
          expect(await context.locator('.focus').first().isVisible()).toBe(true);
          expect(o.problems).toEqual([]);
        });
      });
    }

    it('reads with JavaScript disabled: summary, findings and the missing list are visible', async () => {
      await onPage(name, async (o) => {
        expect(await visibleInViewport(o.page, 'header p.summary')).toBe(true);
        expect((await o.page.locator('header p.summary').textContent())!.trim().length).toBeGreaterThan(20);
        const findings = o.page.locator('#findings article.finding');
        if (c.findings.length) expect(await findings.count()).toBeGreaterThan(0);
        if (await findings.count()) {
          expect(await visibleInViewport(o.page, '#findings article.finding')).toBe(true);
          expect(await visibleInViewport(o.page, '#findings article.finding ul.evidence li')).toBe(true);
        }
        if (c.missing) expect(await visibleInViewport(o.page, '#missing ol.missing li')).toBe(true);
        if (c.divergence) expect(await visibleInViewport(o.page, '#divergence pre.bad')).toBe(true);
        // The key events table is plain HTML too.
        expect(await visibleInViewport(o.page, 'table.key-events')).toBe(true);
        expect(o.problems).toEqual([]);
        expect(o.requests).toEqual([o.url]);
      }, { javaScriptEnabled: false });
    });

    it('prints: print media applies and page.pdf() makes a PDF', async () => {
      await onPage(name, async (o) => {
        await o.page.emulateMedia({ media: 'print' });
        expect(await o.page.evaluate(() => matchMedia('print').matches)).toBe(true);
        // The print style sheet is in force: no max width, pre wraps.
        expect(await o.page.locator('body').evaluate((b) => getComputedStyle(b).maxWidth)).toBe('none');
        const started = Date.now();
        const pdf = await o.page.pdf({ format: 'A4', printBackground: true });
        timings.push(`pdf of ${name} ${Date.now() - started} ms, ${pdf.length} bytes`);
        expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(pdf.length).toBeGreaterThan(10_000);
        expect(pdf.toString('latin1')).toMatch(/\/Type\s*\/Page\b/);
        expect(o.problems).toEqual([]);
        expect(o.requests).toEqual([o.url]);
      });
    });

    if (c.screenshot) {
      const image = c.screenshot;
      it(`screenshots ${image} (header, timeline and divergence; docs/images/ with TRACEDIFF_UPDATE_SCREENSHOTS=1)`, async () => {
        await onPage(name, async (o) => {
          const bottom = await o.page.evaluate(() => {
            const d = document.querySelector('#divergence')!.getBoundingClientRect();
            return Math.ceil(d.bottom + window.scrollY);
          });
          const fullHeight = await o.page.evaluate(() => document.documentElement.scrollHeight);
          const height = Math.min(fullHeight, bottom + 16);
          const png = await o.page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: VIEWPORT.width, height }, type: 'png' });
          const update = process.env['TRACEDIFF_UPDATE_SCREENSHOTS'] === '1';
          const dir = update ? IMAGES : mkdtempSync(join(tmpdir(), 'tracediff-shot-'));
          mkdirSync(dir, { recursive: true });
          const target = join(dir, image);
          writeFileSync(target, png);
          timings.push(`${image} ${VIEWPORT.width}x${height}, ${png.length} bytes`);
          const written = readFileSync(target);
          expect(written.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
          // Width and height from the IHDR chunk.
          expect(written.readUInt32BE(16)).toBe(VIEWPORT.width);
          expect(written.readUInt32BE(20)).toBe(height);
          expect(written.length).toBeGreaterThan(10_000);
          expect(written.length).toBeLessThan(MAX_IMAGE_BYTES);
        });
      });
    }
  });
}
