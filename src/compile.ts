import type { Diagnostic } from './diagnostics/diagnostic.js';
import { sortDiagnostics } from './diagnostics/diagnostic.js';
import type { Catalog } from './catalog/types.js';
import { loadProject, type LoadOptions, type Project } from './resolve/load.js';
import { resolveProject, type ResolveOptions } from './resolve/resolve.js';
import type { Model } from './resolve/model.js';
import { runRules } from './validate/index.js';

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

export function compileProject(project: Project, options: CompileOptions): CompileResult {
  const extras = options.extras ?? new Map();
  const diags: Diagnostic[] = [...project.diagnostics];
  const base = { project, catalog: options.catalog, model: undefined, extras };
  for (const d of runRules('syntax', base)) diags.push(d);
  const resolved = resolveProject(project, options.catalog, options);
  for (const x of resolved.diagnostics) diags.push(x);
  for (const d of runRules('model', { ...base, model: resolved.model })) diags.push(d);
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
