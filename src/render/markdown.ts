/**
 * The Markdown report (GitHub-flavoured), made to be pasted into a
 * postmortem: a summary sentence, the divergence with both traces' context,
 * what good does that bad never does, the findings with evidence and
 * advice, a table of the key events, and how the report was produced so a
 * reader can run it again on the same inputs.
 */
import type { AnalyzeView } from '../report/analyze-report.js';
import type { ContextBlock, DiffView, Finding } from '../report/diff-report.js';
import { KEY_ROLE_WORDS, keyEvents, type KeyEvent } from '../report/key-events.js';
import { sinceText, whereText as where } from '../report/location-text.js';
import type { Provenance } from '../report/provenance.js';
import type { TimelineSketch } from '../report/timeline-sketch.js';
import { mdCode, mdFence, mdProse, mdTable } from './markdown-text.js';


function contextBlock(name: string, block: ContextBlock | null): string[] {
  if (!block) return [`**${name}:** no counterpart.`, ''];
  const unit = block.packets ? 'packet' : 'line';
  const width = String(block.focusEnd + 10).length;
  const lines = block.lines.map((l) => {
    const mark = l.line === block.focus || l.line === block.focusEnd ? '>' : ' ';
    return `${mark} ${String(l.line).padStart(width)}  ${l.text}`;
  });
  return [`**${name}**, ${mdCode(block.file)} ${unit} ${block.focus}:`, '', ...mdFence(lines.length ? lines : ['(the file could not be read again)']), ''];
}

function findingsSection(findings: readonly Finding[]): string[] {
  if (!findings.length) return [];
  const out = ['## Findings', ''];
  findings.forEach((f, i) => {
    const tag = f.explainsDivergence ? ' (explains the divergence)' : '';
    out.push(`### ${i + 1}. ${f.severity}: ${mdProse(f.title)}`, '');
    out.push(`${mdCode(f.id)}${tag}`, '');
    out.push(mdProse(f.explanation), '');
    if (f.evidence.length) {
      out.push('Evidence:', '');
      const width = Math.max(...f.evidence.map((e) => where(e).length));
      out.push(...mdFence(f.evidence.map((e) => `${where(e).padEnd(width)}  ${e.text}`)), '');
    }
  });
  return out;
}

/** The divergence row stands out in bold. */
const roleWords = (role: KeyEvent['role']) => (role === 'divergence' ? `**${KEY_ROLE_WORDS[role]}**` : KEY_ROLE_WORDS[role]);

function timelineSection(runs: ReadonlyArray<{ run?: 'good' | 'bad'; sketch: TimelineSketch }>): string[] {
  const rows = keyEvents(runs);
  if (!rows.length) return [];
  const diff = runs.some((r) => r.run);
  const head = [...(diff ? ['Run'] : []), 'Time since start', 'Source', 'Event', 'Why it is here'];
  const align = [...(diff ? (['left'] as const) : []), 'right', 'left', 'left', 'left'] as const;
  const cells = rows.map((r) => [
    ...(diff ? [r.run ?? ''] : []),
    sinceText(r.since, r.clock),
    mdCode(where(r), { table: true }),
    mdCode(r.event, { table: true }),
    roleWords(r.role) + (r.finding ? ` (${mdCode(r.finding, { table: true })})` : ''),
  ]);
  const untimed = runs.some((r) => r.sketch.clock === 'order');
  return [
    '## Timeline of key events',
    '',
    ...mdTable(head, align, cells),
    '',
    ...(untimed ? ['A run without timestamps is placed by event order ("event N").', ''] : []),
  ];
}

function productionSection(p: Provenance | undefined): string[] {
  if (!p) return [];
  const out = ['## How this was produced', ''];
  out.push(`- Tool: tracediff ${mdProse(p.version)} on Node.js ${mdProse(p.node)}`);
  if (p.generated) out.push(`- Made: ${p.generated}`);
  out.push('');
  if (p.command) out.push('Command:', '', ...mdFence([p.command], 'sh'), '');
  if (p.inputs.length) {
    out.push(...mdTable(['Input', 'Bytes', 'SHA-256'], ['left', 'right', 'left'], p.inputs.map((i) => [mdCode(i.file, { table: true }), String(i.bytes), mdCode(i.sha256)])), '');
  }
  return out;
}

function sideLine(name: string, s: { files: string[]; events: number; unparsed: number }): string {
  const unparsed = s.unparsed ? `, ${s.unparsed} unparsed line${s.unparsed === 1 ? '' : 's'}` : '';
  return `- ${name}: ${s.files.map((f) => mdCode(f)).join(', ')} (${s.events} events${unparsed})`;
}

export function renderDiffMarkdown(view: DiffView): string {
  const { report } = view;
  const d = report.divergence;
  const out: string[] = [];
  out.push(d ? `# tracediff: the runs diverge (${d.kind})` : '# tracediff: no meaningful divergence', '');
  out.push(
    d
      ? `**Summary.** ${mdProse(d.summary)}`
      : '**Summary.** Both runs do the same work; what differs is run-to-run noise (pids, fds, addresses, ports, timings, byte counts of equal outcome, retries).',
    '',
  );
  out.push(sideLine('Good run', report.good), sideLine('Bad run', report.bad), '');
  if (d) {
    out.push('## Where the runs diverge', '');
    const at = [d.bad ? `bad at ${mdCode(where(d.bad))}` : '', d.good ? `good at ${mdCode(where(d.good))}` : ''].filter(Boolean).join(', ');
    out.push(`Kind: ${mdCode(d.kind)}${at ? `; ${at}` : ''}.`, '');
    out.push(...contextBlock('Good', view.context.good), ...contextBlock('Bad', view.context.bad));
  }
  if (report.missingAfter.length) {
    out.push('## After the divergence, good does this and bad never does', '');
    report.missingAfter.forEach((m, i) => {
      const times = m.count > 1 ? ` (×${m.count})` : '';
      out.push(`${i + 1}. ${mdCode(where(m.good))}${times}: ${mdProse(m.summary)}`, '', ...mdFence([m.good.text]).map((l) => `   ${l}`), '');
    });
  }
  out.push(...findingsSection(report.findings));
  if (view.timeline) out.push(...timelineSection([{ run: 'good', sketch: view.timeline.good }, { run: 'bad', sketch: view.timeline.bad }]));
  out.push(...productionSection(view.produced));
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

export function renderAnalyzeMarkdown(view: AnalyzeView): string {
  const r = view.report;
  const count = (s: Finding['severity']) => r.findings.filter((f) => f.severity === s).length;
  const out: string[] = [];
  const errors = count('error');
  out.push(`# tracediff analyze: ${errors ? `${errors} error${errors === 1 ? '' : 's'}` : 'no errors'}`, '');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const tally = `${plural(errors, 'error')}, ${plural(count('warning'), 'warning')} and ${count('info')} info`;
  out.push(`**Summary.** ${r.findings.length ? tally : 'Nothing the rules recognise went wrong'} in ${r.files.map((f) => mdCode(f)).join(', ')} (${r.events} events).`, '');
  out.push(...findingsSection(r.findings));
  if (view.timeline) out.push(...timelineSection([{ sketch: view.timeline }]));
  out.push(...productionSection(view.produced));
  return out.join('\n').replace(/\n+$/, '') + '\n';
}
