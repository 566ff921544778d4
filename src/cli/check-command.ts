import { hasErrors } from '../diagnostics/diagnostic.js';
import { loadBuiltinCatalog } from '../catalog/builtin.js';
import type { Catalog } from '../catalog/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { compile } from '../compile.js';
import { QEMU_EXTRA, type QemuContext } from '../qemu/context.js';
import { loadQemuConfig, selectQemu } from '../qemu/select.js';
import type { CheckOptions } from './commands/check.js';
import { limitsFrom, parseTarget } from './options.js';
import { parseFormat, printDiagnostics, reportUsage } from './report.js';
import { ruleInputs } from './rule-inputs.js';

export async function runCheck(paths: string[], opts: CheckOptions): Promise<number> {
  try {
    const format = parseFormat(opts.format);
    const limits = limitsFrom(opts);
    const defaultTarget = parseTarget(opts.target);
    const { catalog, diagnostics: catalogDiags } = await catalogFor(opts.catalog ?? []);
    const history = await historyExtras(opts.history, catalog);
    const inputs = await ruleInputs(paths, { ...opts, allowStdin: true }, limits);
    const qemu = qemuExtras(inputs.paths, { ...opts, root: inputs.root });
    const result = compile(inputs.paths, { catalog, limits, defaultTarget, root: inputs.root, fs: inputs.fs, extras: new Map([...history.extras, ...qemu.extras]) });
    const diags = [...catalogDiags, ...history.diagnostics, ...qemu.diagnostics, ...result.diagnostics];
    await printDiagnostics(diags, format, result.project.sources, result.project.files.length);
    return hasErrors(diags) ? 1 : 0;
  } catch (e) {
    return reportUsage(e);
  }
}

/** The built-in catalog, or it extended by user files (only then is the YAML reader loaded). */
export async function catalogFor(files: readonly string[]): Promise<{ catalog: Catalog; diagnostics: Diagnostic[] }> {
  if (files.length === 0) return { catalog: loadBuiltinCatalog(), diagnostics: [] };
  const { loadCatalog } = await import('../catalog/load.js');
  return loadCatalog({ files });
}

/** A user's kernel-history file for the catalog-based checks (`--history`); none: the built-in one. */
export async function historyExtras(
  file: string | undefined,
  catalog: Catalog,
): Promise<{ extras: ReadonlyMap<string, unknown>; diagnostics: Diagnostic[] }> {
  if (file === undefined) return { extras: new Map(), diagnostics: [] };
  const { loadHistory } = await import('../catalog/history-file.js');
  const { HISTORY_EXTRA } = await import('../catalog/validate-support.js');
  const { history, diagnostics } = loadHistory(file, { catalog });
  return { extras: new Map([[HISTORY_EXTRA, history]]), diagnostics };
}

/** The QEMU of the run (`--qemu-tree`, `--qemu`, or mtc.yaml's `qemu`) as the `qemu` extra of the checks. */
export function qemuExtras(
  inputs: readonly string[],
  opts: { qemu?: string; qemuTree?: string; root?: string },
): { extras: ReadonlyMap<string, unknown>; context: QemuContext; diagnostics: Diagnostic[] } {
  const cfg = loadQemuConfig(opts.root ?? process.cwd(), inputs);
  const sel = selectQemu({ ...(opts.qemu !== undefined ? { qemu: opts.qemu } : {}), ...(opts.qemuTree !== undefined ? { qemuTree: opts.qemuTree } : {}) }, cfg.config);
  return { extras: new Map([[QEMU_EXTRA, sel.context]]), context: sel.context, diagnostics: [...cfg.diagnostics, ...sel.diagnostics] };
}
