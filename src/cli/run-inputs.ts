/**
 * `--catalog` and `--history` of `simulate` and `diff`: loaded once, before
 * the command runs, and handed to the stages (host models, the matrix, the
 * names in messages) as parameters.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { KernelHistory } from '../catalog/history.js';
import type { MapCatalog } from '../catalog/catalog.js';

export interface RunInputs {
  readonly catalog?: MapCatalog;
  readonly history?: KernelHistory;
  readonly diagnostics: Diagnostic[];
}

/** Loads `--catalog` files and the `--history` file (read against that catalog). */
export async function loadRunInputs(opts: { readonly catalog?: readonly string[]; readonly history?: string }): Promise<RunInputs> {
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
  return { ...(catalog ? { catalog } : {}), ...(history ? { history } : {}), diagnostics };
}
