/**
 * What `check`, `build` and each tree of `diff` read besides the rule files:
 * the catalog (built-in, or extended by --catalog), the QEMU of the run and
 * the user's kernel history, as the checks' extras.
 */
import { loadBuiltinCatalog } from '../catalog/builtin.js';
import { loadCatalog } from '../catalog/load.js';
import { loadHistory } from '../catalog/history-file.js';
import { HISTORY_EXTRA } from '../validate/catalog-support.js';
import type { Catalog } from '../catalog/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { QEMU_EXTRA, type QemuContext } from '../qemu/context.js';
import { selectQemu } from '../qemu/select.js';
import { emptyQemuConfig, type QemuProjectConfig } from '../qemu/families.js';
import { findConfig, readConfig } from '../review/config.js';
import { nodeFileSystem } from '../resolve/load.js';
import * as nodePath from 'node:path';

/** The built-in catalog, or it extended by user files (only then is the YAML reader loaded). */
export async function catalogFor(files: readonly string[]): Promise<{ catalog: Catalog; diagnostics: Diagnostic[] }> {
  if (files.length === 0) return { catalog: loadBuiltinCatalog(), diagnostics: [] };
  const { loadCatalog } = await import('../catalog/load.js');
  return loadCatalog({ files });
}

/**
 * The extras the checks take from the command line, for `check`, `build` and
 * each tree of `diff`: the QEMU of the run (`--qemu-tree`, `--qemu`, or
 * mtc.yaml's `qemu`) and, with `--history`, the user's kernel history, read
 * against `catalog` (default: the built-in one extended by `--catalog`). The
 * history's diagnostics come first.
 */
export function checkExtras(
  inputs: readonly string[],
  opts: { qemu?: string; qemuTree?: string; root?: string; history?: string; catalog?: readonly string[] },
  catalog?: Catalog,
): { extras: ReadonlyMap<string, unknown>; context: QemuContext; diagnostics: Diagnostic[] } {
  const cfg = loadQemuConfig(opts.root ?? process.cwd(), inputs);
  const sel = selectQemu({ ...(opts.qemu !== undefined ? { qemu: opts.qemu } : {}), ...(opts.qemuTree !== undefined ? { qemuTree: opts.qemuTree } : {}) }, cfg.config);
  const extras = new Map<string, unknown>([[QEMU_EXTRA, sel.context]]);
  const diagnostics: Diagnostic[] = [];
  if (opts.history !== undefined) {
    const cat = catalog ?? (opts.catalog?.length ? loadCatalog({ files: opts.catalog }).catalog : loadBuiltinCatalog());
    const h = loadHistory(opts.history, { catalog: cat });
    extras.set(HISTORY_EXTRA, h.history);
    diagnostics.push(...h.diagnostics);
  }
  return { extras, context: sel.context, diagnostics: [...diagnostics, ...cfg.diagnostics, ...sel.diagnostics] };
}

/** The project's mtc.yaml, for its `qemu` and `families` (other keys are the review's). */
export function loadQemuConfig(root: string, paths: readonly string[]): { config: QemuProjectConfig; diagnostics: Diagnostic[] } {
  const found = findConfig(nodeFileSystem, root, paths);
  if (!found.abs) return { config: emptyQemuConfig, diagnostics: found.diagnostics };
  const display = nodePath.relative(process.cwd(), found.abs).split(nodePath.sep).join('/') || found.abs;
  const r = readConfig(nodeFileSystem, found.abs, display);
  const families = new Map(r.config.families ?? []);
  return { config: { file: display, ...(r.config.qemu !== undefined ? { qemu: r.config.qemu } : {}), families }, diagnostics: [...found.diagnostics, ...r.diagnostics] };
}
