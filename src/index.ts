/**
 * tracediff as a library. Each layer is importable on its own:
 *   model    — the event and value types every layer shares
 *   readers  — strace text, tcpdump text, pcap/pcapng captures, format detection, sets of files
 *   decode   — capture frames into packet events, printed as tcpdump prints them
 *   analysis — TCP connections (Zeek conn_state/history, Wireshark tcp.analysis flags);
 *              per-process fd lifetimes, blocked and slow calls, failures by errno
 *   knowledge — errno, signal, fd-syscall, syscall-family and diff-noise tables
 *   diff     — normalization, structure, folding, alignment, the first divergence
 *   report   — the diff report (contract JSON) with quoted lines; the timeline sketch,
 *              key events, evidence context and provenance the documents show
 *   render   — text, Markdown, HTML and JSON renderers
 *   export   — the timeline as Chrome Trace Event / Perfetto JSON
 *   filter   — --pid, --trace/--ignore (strace's syscall sets), --host/--port
 */
export type * from './model/events.js';
export type * from './model/values.js';
export { numberValue } from './model/values.js';

export { StraceParser, type StraceParseOptions, type ParseStats } from './readers/strace/parser.js';
export { parseStraceText, readStraceStream } from './readers/strace/read.js';
export { mergeByTime, expandTraceSet, pidFromName, openText } from './readers/trace-set.js';
export { parseArgs, type ArgsResult } from './readers/strace/values-visitor.js';
export { parseDecoration } from './readers/strace/decoration.js';
export { FdTables, sockaddrText } from './readers/strace/fd-table.js';
export { decodeCString, cStringBytes } from './readers/strace/cstring.js';
export { detectFormat, type Detection, type Format } from './readers/detect.js';
export { isGzip, captureMagic } from './readers/magic.js';
export { readPcap } from './readers/capture/pcap.js';
export { readPcapng } from './readers/capture/pcapng.js';
export { readCaptureStream, parseCapture, type CaptureStats, type CaptureFormat, type CaptureReadOptions } from './readers/capture/read.js';
export { CaptureError, type RawFrame, type CaptureNote, type CaptureItem } from './readers/capture/frame.js';
export { TcpdumpTextParser, type TcpdumpParseOptions, type TcpdumpStats } from './readers/tcpdump/parser.js';
export { parseTcpdumpText, readTcpdumpStream, looksLikeTcpdumpText, sniffTimeMode, type TimeMode } from './readers/tcpdump/read.js';
export { PacketDecoder } from './decode/packet.js';
export { TcpSeqNumbering, addrKey } from './decode/tcp-seq.js';
export { packetLine, type PacketLineOptions } from './report/packet-line.js';
export { openTraces, InputError, type OpenedTrace, type OpenOptions, type ReadProgress, type FileStats } from './readers/open.js';
export { readLines, type LineBatch } from './io/lines.js';

export { scanLine, type LineRecord, type RecordKind } from '../grammars/strace/envelope.js';

export * from './knowledge/fd-syscalls.js';
export * from './knowledge/syscall-families.js';
export * from './knowledge/diff-rules.js';
export * from './knowledge/tcp.js';
export { linkTypeName, linkTypeText, LINK_TYPES } from './knowledge/link-types.js';

export { diffTraces, type DiffTracesOptions } from './diff/diff-traces.js';
export { diffSides, ALIGN_WINDOW, CANDIDATE_LIMIT, type DiffOptions, type DiffOutcome, type Divergence, type DivergenceKind, type MissingEntry, type Candidate } from './diff/differ.js';
export { readSide } from './diff/read-side.js';
export { Interner, SideBuilder, laneItems, type SideTrace, type SideBuilderOptions, type Unit, type Lane } from './diff/side.js';
export { RowStore, type Place } from './diff/row-store.js';
export { Normalizer, type Normalized } from './diff/normalize.js';
export { matchStructure, unitSignature, type Structure } from './diff/structure.js';
export { fold, FoldStream, foldPatterns, type Element } from './diff/fold.js';
export { align, type Op, type AlignOptions } from './diff/align.js';
export { outcomesEquivalent, isSignificant, similarKeys } from './diff/rank.js';
export { buildDiffReport, type DiffReport, type DiffView, type Located, type Finding, type ContextBlock } from './report/diff-report.js';
export { fetchLines } from './report/source-lines.js';
export { renderDiffText, type TextOptions } from './render/diff-text.js';
export { renderDiffJson } from './render/json.js';
export * from './analysis/tcp/index.js';
export * from './analysis/syscalls/index.js';
export * from './analysis/correlate/index.js';
export * from './timeline/clock.js';
export * from './timeline/timeline.js';
export { analyzeTraces, findingsOf, quoteFindings, IncidentBuilder, type Incident, type RawFinding, type AnalyzeResult, type AnalyzeOptions } from './findings/index.js';
export { diffFindings } from './findings/diff-findings.js';
export { FINDING_KINDS, findingKind, fillTemplate, type FindingKind, type Severity } from './knowledge/findings.js';
export { ERRNO_ADVICE, errnoAdvice, type ErrnoAdvice } from './knowledge/errno-advice.js';
export { PacketNormalizer, type PacketStep } from './diff/normalize-packet.js';
export { renderAnalyzeText } from './render/analyze-text.js';
export type { AnalyzeReport, AnalyzeView } from './report/analyze-report.js';
export { TimelineSketchBuilder, sketchDiff, sketchRun, DEFAULT_SKETCH_LIMITS, type TimelineSketch, type SketchLane, type SketchItem, type SketchMark, type SketchLimits } from './report/timeline-sketch.js';
export { keyEvents, type KeyEvent } from './report/key-events.js';
export { evidenceContext, type EvidenceContext } from './report/evidence-context.js';
export { provenance, shellQuote, type Provenance, type InputDigest } from './report/provenance.js';
export { describeProduction, type ProductionOptions } from './report/production.js';
export { renderDiffMarkdown, renderAnalyzeMarkdown } from './render/markdown.js';
export { renderDiffHtml, renderAnalyzeHtml } from './render/html.js';
export { ChromeTraceWriter, writeChromeTrace, flowLinksOf, type ChromeTraceOptions, type ChromeTraceSummary, type ChromeTraceEvent, type FlowLink } from './export/chrome-trace.js';
export { checkChromeTrace, type ChromeTraceCheck } from './export/chrome-trace-check.js';
/** This package's version, for the `version` that diffTraces writes into a report. */
export { VERSION } from './cli/common.js';
export { buildEventFilter, filterEventBatches, filtersAnything, FilterSpecError, type EventFilterSpec, type EventFilter } from './filter/event-filter.js';
export { parseSyscallSet, SyscallSetError, type SyscallSet } from './filter/syscall-set.js';
export * from './knowledge/syscall-classes.js';
