import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadBuiltinCatalog } from '../src/catalog/index.js';
import { compile, type CompileResult } from '../src/compile.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import { parseSource } from '../src/syntax/parser.js';
import { SourceFile } from '../src/diagnostics/source.js';

/** Writes files into a fresh temporary project and returns its root. */
export function tempProject(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'mtc-test-'));
  for (const [rel, text] of Object.entries(files)) {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  return root;
}

/** Compiles a one- or many-file project given as text. */
export function compileFiles(files: Record<string, string>, paths: string[] = ['.']): CompileResult {
  const root = tempProject(files);
  return compile(paths, { root, catalog: loadBuiltinCatalog() });
}

export function parse(text: string, path = 't.mtc') {
  return parseSource(new SourceFile(path, text));
}

/** `line:col-line:col` of a diagnostic, for compact span assertions. */
export function where(d: Diagnostic): string {
  if (!d.span) return '-';
  return `${d.span.start.line}:${d.span.start.column}-${d.span.end.line}:${d.span.end.column}`;
}

export function codes(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => d.code);
}

export function only(diags: readonly Diagnostic[], code: string): Diagnostic[] {
  return diags.filter((d) => d.code === code);
}
