/**
 * The HTML report: one self-contained file (inline style and script, no
 * network, no fonts to fetch) that reads in any browser, prints, and works
 * without JavaScript. A Content-Security-Policy that allows only this
 * file's own style and script by hash means that even a trace string that
 * got past escaping could not run or load anything.
 */
import { createHash } from 'node:crypto';
import type { AnalyzeView } from '../report/analyze-report.js';
import type { ContextBlock, DiffView, Finding, Located } from '../report/diff-report.js';
import { evidenceKey, type EvidenceContext } from '../report/evidence-context.js';
import { KEY_ROLE_WORDS, keyEvents } from '../report/key-events.js';
import { sinceText, whereText as where } from '../report/location-text.js';
import type { Provenance } from '../report/provenance.js';
import { SCRIPT, STYLE } from './html-assets.js';
import { esc } from './html-text.js';
import { timelineSvg, type TimelineRun } from './html-timeline.js';

const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
const findingAnchor = (i: number) => `finding-${i + 1}`;

function page(title: string, body: string[]): string {
  const csp = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function codeLines(block: ContextBlock, cls: string): string {
  const lines = block.lines.map((l) => {
    const focus = l.line === block.focus || l.line === block.focusEnd;
    const text = `<span class="ln">${l.line}</span>${esc(l.text)}`;
    return focus ? `<span class="focus">${text}</span>` : `${text}\n`;
  });
  return `<pre class="${cls}">${lines.join('') || '(the file could not be read again)'}</pre>`;
}

function contextColumn(name: 'good' | 'bad', block: ContextBlock | null): string {
  if (!block) return `<div><h3>${name}</h3><p>No counterpart: ${name === 'good' ? 'good never does this' : 'bad never does this'}.</p></div>`;
  const unit = block.packets ? 'packet' : 'line';
  return `<div><h3>${name} <span class="where mono">${esc(block.file)} ${unit} ${block.focus}</span></h3>${codeLines(block, name)}</div>`;
}

function evidenceItem(e: Located, context: EvidenceContext | undefined): string {
  const summary = `<code>${esc(where(e))}</code> <code>${esc(e.text)}</code>`;
  const block = context?.get(evidenceKey(e));
  if (!block || block.lines.length <= 1) return `<li>${summary}</li>`;
  return `<li><details><summary>${summary}</summary>${codeLines(block, 'context')}</details></li>`;
}

function findingsSection(findings: readonly Finding[], context: EvidenceContext | undefined): string[] {
  if (!findings.length) return [];
  const out = ['<section id="findings">', '<h2>Findings</h2>'];
  findings.forEach((f, i) => {
    out.push(`<article class="finding ${f.severity}" id="${findingAnchor(i)}">`);
    out.push(`<h3><span class="sev">${f.severity}</span>${esc(f.title)}</h3>`);
    out.push(`<p><code class="id">${esc(f.id)}</code>${f.explainsDivergence ? ' <span class="explains">explains the divergence</span>' : ''}</p>`);
    out.push(`<p>${esc(f.explanation)}</p>`);
    if (f.evidence.length) out.push('<ul class="evidence">', ...f.evidence.map((e) => evidenceItem(e, context)), '</ul>');
    out.push('</article>');
  });
  out.push('</section>');
  return out;
}


function timelineSection(runs: TimelineRun[], findings: readonly Finding[]): string[] {
  const anchorOf = (id: string) => {
    const i = findings.findIndex((f) => f.id === id);
    return i < 0 ? undefined : findingAnchor(i);
  };
  const rows = keyEvents(runs.map((r) => ({ ...(r.name === 'good' || r.name === 'bad' ? { run: r.name } : {}), sketch: r.sketch })));
  const diff = runs.length > 1;
  const table = rows.length
    ? [
        '<table class="key-events">',
        `<thead><tr>${diff ? '<th>Run</th>' : ''}<th>Time since start</th><th>Source</th><th>Event</th><th>Why it is here</th></tr></thead>`,
        '<tbody>',
        ...rows.map(
          (k) =>
            `<tr class="${k.role}">${diff ? `<td>${k.run ?? ''}</td>` : ''}<td class="num">${esc(sinceText(k.since, k.clock))}</td><td><code>${esc(where(k))}</code></td><td><code>${esc(k.event)}</code></td><td>${KEY_ROLE_WORDS[k.role]}${k.finding ? ` (<code>${esc(k.finding)}</code>)` : ''}</td></tr>`,
        ),
        '</tbody>',
        '</table>',
      ]
    : [];
  return [
    '<section id="timeline">',
    '<h2>Timeline</h2>',
    '<figure>',
    timelineSvg(runs, anchorOf),
    '<figcaption>One lane per process and per connection; hover an event for its line. Runs share one time axis, each from its own start.</figcaption>',
    '</figure>',
    '<h3>Key events</h3>',
    ...table,
    '</section>',
  ];
}

function productionSection(p: Provenance | undefined): string[] {
  if (!p) return [];
  const out = ['<section id="produced">', '<h2>How this was produced</h2>'];
  out.push(`<p>tracediff ${esc(p.version)} on Node.js ${esc(p.node)}${p.generated ? `, ${esc(p.generated)}` : ''}</p>`);
  if (p.command) out.push(`<pre class="command">${esc(p.command)}</pre>`);
  if (p.inputs.length) {
    out.push('<table class="inputs"><thead><tr><th>Input</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>');
    out.push(...p.inputs.map((i) => `<tr><td><code>${esc(i.file)}</code></td><td class="num">${i.bytes}</td><td><code>${i.sha256}</code></td></tr>`));
    out.push('</tbody></table>');
  }
  out.push('</section>');
  return out;
}

function sides(report: DiffView['report']): string {
  const side = (name: string, s: DiffView['report']['good']) =>
    `<dt>${name}</dt><dd>${s.files.map((f) => `<code>${esc(f)}</code>`).join(', ')} — ${s.events} events${s.unparsed ? `, ${s.unparsed} unparsed lines` : ''}</dd>`;
  return `<dl class="sides">${side('good', report.good)}${side('bad', report.bad)}</dl>`;
}

export function renderDiffHtml(view: DiffView): string {
  const { report } = view;
  const d = report.divergence;
  const title = d ? `tracediff: the runs diverge (${d.kind})` : 'tracediff: no meaningful divergence';
  const body: string[] = ['<header>', `<h1 class="${d ? 'bad' : 'good'}">${esc(title)}</h1>`];
  body.push(`<p class="summary">${esc(d ? d.summary : 'Both runs do the same work; what differs is run-to-run noise (pids, fds, addresses, ports, timings, byte counts of equal outcome, retries).')}</p>`);
  body.push(sides(report), '</header>');
  if (view.timeline) body.push(...timelineSection([{ name: 'good', sketch: view.timeline.good }, { name: 'bad', sketch: view.timeline.bad }], report.findings));
  if (d) {
    body.push('<section id="divergence">', `<h2>Where the runs diverge: ${esc(d.kind)}</h2>`);
    body.push(`<div class="pair">${contextColumn('good', view.context.good)}${contextColumn('bad', view.context.bad)}</div>`, '</section>');
  }
  if (report.missingAfter.length) {
    body.push('<section id="missing">', '<h2>After the divergence, good does this and bad never does</h2>', '<ol class="missing">');
    for (const m of report.missingAfter) {
      body.push(`<li><code>${esc(where(m.good))}</code>${m.count > 1 ? ` <span class="count">×${m.count}</span>` : ''} ${esc(m.summary)}<pre>${esc(m.good.text)}</pre></li>`);
    }
    body.push('</ol>', '</section>');
  }
  body.push(...findingsSection(report.findings, view.evidence));
  body.push(...productionSection(view.produced));
  return page(title, body);
}

export function renderAnalyzeHtml(view: AnalyzeView): string {
  const r = view.report;
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const title = `tracediff analyze: ${errors ? `${errors} error${errors === 1 ? '' : 's'}` : 'no errors'}`;
  const body: string[] = ['<header>', `<h1 class="${errors ? 'bad' : 'good'}">${esc(title)}</h1>`];
  body.push(`<p class="summary">${r.findings.length ? `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}` : 'Nothing the rules recognise went wrong'} in ${r.files.map((f) => `<code>${esc(f)}</code>`).join(', ')} (${r.events} events).</p>`, '</header>');
  if (view.timeline) body.push(...timelineSection([{ name: 'this', sketch: view.timeline }], r.findings));
  body.push(...findingsSection(r.findings, view.evidence));
  body.push(...productionSection(view.produced));
  return page(title, body);
}
