/**
 * Module hooks that let the fuzz watchdog's worker thread run the project's
 * TypeScript sources directly (vitest transforms .ts for its own process, not
 * for worker threads it does not know about). Plain JavaScript on purpose:
 * it is what makes TypeScript loadable. Only used when the harness runs from
 * bench/fuzz/*.ts (the compiled dist/bench/fuzz/*.js needs nothing).
 *
 * resolve: `./x.js` that does not exist → `./x.ts` (the sources import with .js suffixes).
 * load: .ts → JavaScript, type annotations stripped (no type check): with
 * esbuild when it is there (vitest brings it; milliseconds a file), else
 * with typescript's transpileModule (a devDependency; a few seconds to start).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

let transform;
try {
  const esbuild = await import('esbuild');
  transform = (src, fileName) => esbuild.transformSync(src, { loader: 'ts', format: 'esm', target: 'es2022', sourcefile: fileName, sourcemap: 'inline' }).code;
} catch {
  const ts = (await import('typescript')).default;
  transform = (src, fileName) =>
    ts.transpileModule(src, { fileName, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true } }).outputText;
}

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (specifier.endsWith('.js') && (specifier.startsWith('.') || specifier.startsWith('file:') || specifier.startsWith('/'))) {
      return next(specifier.slice(0, -3) + '.ts', context);
    }
    throw e;
  }
}

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const fileName = fileURLToPath(url);
    return { format: 'module', source: transform(await readFile(fileName, 'utf8'), fileName), shortCircuit: true };
  }
  return next(url, context);
}
