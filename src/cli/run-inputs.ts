/**
 * `--catalog` and `--history` for the commands whose code takes the built-in
 * catalog and kernel history as its defaults deep inside (`simulate`'s host
 * models, the migration matrix of `diff`): load them once, before the command
 * runs, and make them the run's (useCatalogForRun, useHistoryForRun).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { useCatalogForRun } from '../catalog/builtin.js';
import { useHistoryForRun, type KernelHistory } from '../catalog/history.js';
import type { MapCatalog } from '../catalog/catalog.js';

export interface RunInputs {
  readonly catalog?: MapCatalog;
  readonly history?: KernelHistory;
  readonly diagnostics: Diagnostic[];
}

/** Loads `--catalog` files and the `--history` file; with no error among their diagnostics, they become the run's. */
export async function useRunInputs(opts: { readonly catalog?: readonly string[]; readonly history?: string }): Promise<RunInputs> {
  const diagnostics: Diagnostic[] = [];
  let catalog: MapCatalog | undefined;
  let history: KernelHistory | undefined;
  if (opts.catalog && opts.catalog.length > 0) {
    const { loadCatalog } = await import('../catalog/load.js');
    const r = loadCatalog({ files: opts.catalog });
    catalog = r.catalog;
    diagnostics.push(...r.diagnostics);
  }
  if (opts.history !== undefined) {
    const { loadHistory } = await import('../catalog/history-file.js');
    const { loadBuiltinCatalog } = await import('../catalog/builtin.js');
    const r = loadHistory(opts.history, { catalog: catalog ?? loadBuiltinCatalog() });
    history = r.history;
    diagnostics.push(...r.diagnostics);
  }
  if (!hasErrors(diagnostics)) {
    if (catalog) useCatalogForRun(catalog);
    if (history) useHistoryForRun(history);
  }
  return { ...(catalog ? { catalog } : {}), ...(history ? { history } : {}), diagnostics };
}
