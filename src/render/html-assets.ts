/**
 * The HTML report's own style and script, inlined into every report: the
 * file must open anywhere (a postmortem archive, an air-gapped laptop) with
 * no network, no fonts to fetch and nothing to install.
 */

export const STYLE = `
:root { --fg: #1d2329; --muted: #5b6670; --line: #d5dae0; --bg-alt: #f4f6f8; --bad: #b3261e; --good: #1e7b34; --warn: #8a5a00; --retx: #c26a00; --accent: #6a3fb5; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #fff; }
h1 { font-size: 1.5em; margin: 0 0 .3em; }
h1.bad { color: var(--bad); } h1.good { color: var(--good); }
h2 { font-size: 1.15em; border-bottom: 1px solid var(--line); padding-bottom: .2em; margin-top: 1.8em; }
h3 { font-size: 1em; margin: 0 0 .3em; }
p.summary { font-size: 1.1em; margin: .2em 0 1em; }
dl.sides { display: grid; grid-template-columns: max-content 1fr; gap: .1em 1em; margin: 0; color: var(--muted); }
dl.sides dt { font-weight: 600; }
dl.sides dd { margin: 0; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
pre { margin: .4em 0; padding: .5em .7em; background: var(--bg-alt); border: 1px solid var(--line); border-radius: 4px; overflow-x: auto; white-space: pre; }
pre .ln { color: var(--muted); user-select: none; display: inline-block; min-width: 4ch; text-align: right; margin-right: 1ch; }
pre .focus { display: block; background: #fde7e4; font-weight: 600; }
pre.good .focus { background: #e3f4e6; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.pair > div { min-width: 0; }
.pair h3 .where { font-weight: normal; color: var(--muted); }
ol.missing li { margin-bottom: .6em; }
ol.missing .count { color: var(--muted); }
article.finding { border-left: 4px solid var(--line); padding: .2em 0 .2em .9em; margin: 1em 0; }
article.finding.error { border-color: var(--bad); }
article.finding.warning { border-color: var(--warn); }
article.finding .sev { text-transform: uppercase; font-size: .75em; font-weight: 700; letter-spacing: .04em; padding: .1em .4em; border-radius: 3px; margin-right: .5em; background: var(--bg-alt); }
article.finding.error .sev { color: #fff; background: var(--bad); }
article.finding.warning .sev { color: #fff; background: var(--warn); }
article.finding .id { color: var(--muted); }
article.finding .explains { color: var(--accent); font-weight: 600; }
details { margin: .3em 0; }
details > summary { cursor: pointer; }
details > summary code { white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: .25em .5em; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td code { word-break: break-all; }
tr.divergence td { background: #fdf0ee; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: .9em; }
svg.timeline { display: block; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
svg.timeline text { font: 11px system-ui, sans-serif; fill: var(--fg); }
svg.timeline .panel-name { font-weight: 700; font-size: 13px; }
svg.timeline .panel-len, svg.timeline .note, svg.timeline .tick-label, svg.timeline .axis-name { fill: var(--muted); }
svg.timeline .tick-label { text-anchor: middle; }
svg.timeline .stripe { fill: var(--bg-alt); }
svg.timeline .axis, svg.timeline .tick { stroke: var(--muted); }
svg.timeline .call rect, svg.timeline rect.call { fill: #5b7fa6; }
svg.timeline .call.routine rect { fill: #a9b4bf; }
svg.timeline .call.err rect, svg.timeline rect.call.err { fill: var(--bad); }
svg.timeline .packet rect, svg.timeline rect.packet { fill: #2f6f5e; }
svg.timeline .packet.retx circle { fill: #fff3e0; stroke: var(--retx); stroke-width: 2; }
svg.timeline .packet.retx path { fill: none; stroke: var(--retx); stroke-width: 1.5; }
svg.timeline .packet.err path { stroke: var(--bad); stroke-width: 2.2; }
svg.timeline .exit path, svg.timeline .signal path { fill: var(--muted); }
svg.timeline .exit.err path { fill: var(--bad); }
svg.timeline .mark.divergence line { stroke: var(--accent); stroke-width: 2; stroke-dasharray: 5 3; }
svg.timeline .mark.divergence text { fill: var(--accent); font-weight: 700; }
svg.timeline .mark.missing path { fill: var(--good); }
svg.timeline .mark.evidence circle { fill: var(--accent); }
footer { margin-top: 2em; color: var(--muted); font-size: .9em; }
@media (max-width: 800px) { .pair { grid-template-columns: 1fr; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .pair { grid-template-columns: 1fr; }
  pre { white-space: pre-wrap; word-break: break-all; border-color: #999; }
  details > summary { list-style: none; }
  a { color: inherit; text-decoration: none; }
  section, article.finding, figure { break-inside: avoid-page; }
}
`;

/**
 * Printing a report must show what a reader would unfold on screen: every
 * <details> opens before printing. Without JavaScript the summaries still
 * print, which is the whole text of the report.
 */
export const SCRIPT = `addEventListener('beforeprint', function () { document.querySelectorAll('details').forEach(function (d) { d.open = true; }); });`;
