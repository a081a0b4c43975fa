/**
 * Writes the railroad (syntax) diagrams of the strace argument grammar:
 * `npm run railroad` → docs/strace-grammar.html. Chevrotain draws them from
 * the grammar itself, so the picture cannot drift from the parser. Its
 * scripts and styles are inlined from the installed chevrotain package so
 * the page opens offline.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createSyntaxDiagramsCode } from 'chevrotain';
import { valuesParser } from './values-parser.js';

const out = process.argv[2] ?? 'docs/strace-grammar.html';
// The package exports no package.json; find its root from the entry point (…/chevrotain/lib/src/api.js).
let pkgDir = dirname(createRequire(import.meta.url).resolve('chevrotain'));
while (!existsSync(join(pkgDir, 'diagrams', 'diagrams.css')) && dirname(pkgDir) !== pkgDir) pkgDir = dirname(pkgDir);
let html = createSyntaxDiagramsCode(valuesParser.getSerializedGastProductions());
html = html.replace(/<link rel='stylesheet' href='[^']*\/diagrams\/([^']+)'>/g, (_m, rel: string) => `<style>\n${readFileSync(join(pkgDir, 'diagrams', rel), 'utf8')}\n</style>`);
html = html.replace(/<script src='[^']*\/diagrams\/([^']+)'><\/script>/g, (_m, rel: string) => `<script>\n${readFileSync(join(pkgDir, 'diagrams', rel), 'utf8').replace(/<\/script/g, '<\\/script')}\n</script>`);
if (/https?:\/\//.test(html.replace(/http:\/\/www\.w3\.org\/[^"']*/g, ''))) console.warn('warning: the page still refers to the network');
writeFileSync(out, html);
console.log(`wrote ${out}`);
