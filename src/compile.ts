import type { Diagnostic } from './diagnostics/diagnostic.js';
import { sortDiagnostics } from './diagnostics/diagnostic.js';
import type { Catalog } from './catalog/types.js';
import { loadProject, type LoadOptions, type Project } from './resolve/load.js';
import { resolveProject, type ResolveOptions } from './resolve/resolve.js';
import type { Model } from './resolve/model.js';
import { runRules } from './validate/index.js';
import { collectIfLarge, textSize } from './util/memory.js';

export interface CompileOptions extends LoadOptions, ResolveOptions {
  readonly catalog: Catalog;
  /** Extra data for rule families (kernel history...). */
  readonly extras?: ReadonlyMap<string, unknown>;
}

export interface CompileResult {
  readonly project: Project;
  /** Present whenever resolution ran; emitters must only use it when there are no errors. */
  readonly model: Model | undefined;
  /** Every diagnostic, sorted and de-duplicated. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The front half of the pipeline, shared by `check`, `build`, `diff` and the
 * tests: text → tokens → AST → validated, resolved model.
 */
export function compile(paths: readonly string[], options: CompileOptions): CompileResult {
  const project = loadProject(paths, options);
  return compileProject(project, options);
}

/** Most diagnostics the checks keep for one file; the rest are counted and summed up in one MTC0012. */
export const MAX_CHECK_DIAGNOSTICS_PER_FILE = 500;

export function compileProject(project: Project, options: CompileOptions): CompileResult {
  const extras = options.extras ?? new Map();
  const diags: Diagnostic[] = [...project.diagnostics];
  // A hostile file (`hide R, R, R, …` a million times) could otherwise make millions of diagnostics.
  const perFile = new Map<string, number>();
  const dropped = new Map<string, { n: number; error: boolean }>();
  const report = (d: Diagnostic) => {
    const key = d.file ?? '';
    const n = (perFile.get(key) ?? 0) + 1;
    perFile.set(key, n);
    if (n <= MAX_CHECK_DIAGNOSTICS_PER_FILE) {
      diags.push(d);
      return;
    }
    const prev = dropped.get(key) ?? { n: 0, error: false };
    dropped.set(key, { n: prev.n + 1, error: prev.error || d.severity === 'error' });
  };
  const base = { project, catalog: options.catalog, model: undefined, extras };
  runRules('syntax', base, undefined, report);
  // The tokens of a large file are garbage by now; the model is about to be built beside its syntax tree.
  collectIfLarge(textSize(project.sources.values()));
  const resolved = resolveProject(project, options.catalog, options);
  for (const x of resolved.diagnostics) report(x);
  runRules('model', { ...base, model: resolved.model }, undefined, report);
  for (const [file, { n, error }] of dropped) {
    const src = project.sources.get(file);
    diags.push({
      code: 'MTC0012',
      // As severe as the worst problem left out, so that the exit status does not change.
      severity: error ? 'error' : 'warning',
      message: `${n} more problems in this file are not shown`,
      ...(file ? { file } : {}),
      ...(src ? { span: src.span(src.text.length, src.text.length) } : {}),
      help: 'fix the problems above and check again',
    });
  }
  return { project, model: resolved.model, diagnostics: dedupe(sortDiagnostics(diags)) };
}

function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const key = `${d.code}|${d.file}|${d.span?.start.offset}|${d.span?.end.offset}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A compile result without its syntax trees, for `build`: the emitters read
 * only the model, and diagnostics need only the sources. At 10 MB of rules the
 * trees are ~150 MB that would otherwise stay alive while every output is made.
 */
export function withoutSyntaxTrees(result: CompileResult): CompileResult {
  const files = result.project.files.map((f) => ({ ...f, ast: { ...f.ast, statements: [], comments: [] } }));
  return { ...result, project: { ...result.project, files } };
}
