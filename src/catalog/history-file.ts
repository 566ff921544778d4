/**
 * Reading a user's kernel-history file (YAML). Kept apart from history.ts so
 * that `mtc check`, which only needs the built-in history (pre-compiled JSON),
 * never loads the YAML parser.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Catalog } from './types.js';
import { diagnosticAt } from './catalog-file.js';
import { validateKernels } from './generated/validators.js';
import { loadShippedHistory, normalizeHistory, resolveRegisterSpec, type KernelHistory } from './history.js';
import { DEFAULT_MAX_CATALOG_BYTES, parseYamlText, readTextBounded, schemaDiagnostics, type CompiledValidator } from './yaml-file.js';

/**
 * Reads a history YAML file. With `extend` (default: the shipped history),
 * the file's entries are added to it: its releases are merged, its baseline
 * entries replace the baseline of the same registers, its changes are added.
 */
export function loadHistory(
  file: string,
  opts: { catalog?: Catalog; extend?: KernelHistory | null; maxFileBytes?: number; text?: string } = {},
): { history: KernelHistory; diagnostics: Diagnostic[] } {
  const base = opts.extend === undefined ? loadShippedHistory() : opts.extend;
  const empty = base ?? normalizeHistory({});
  let text = opts.text;
  if (text === undefined) {
    const t = readTextBounded(file, opts.maxFileBytes ?? DEFAULT_MAX_CATALOG_BYTES, file);
    if (t.text === undefined) return { history: empty, diagnostics: t.diagnostics };
    text = t.text;
  }
  const read = parseYamlText(text, file);
  if (read.diagnostics.length) return { history: empty, diagnostics: read.diagnostics };
  const schema = schemaDiagnostics(read, validateKernels as CompiledValidator, 'kernel history');
  if (schema.length) return { history: empty, diagnostics: schema };
  const own = normalizeHistory(read.value as Partial<KernelHistory>);
  const diagnostics: Diagnostic[] = [];
  if (opts.catalog) {
    const sections = ['baseline', 'changes', 'writable', 'tcg'] as const;
    for (const s of sections)
      (own[s] as readonly { register: string }[]).forEach((e, i) => {
        if (resolveRegisterSpec(opts.catalog!, e.register) === undefined)
          diagnostics.push(diagnosticAt(read, `/${s}/${i}/register`, 'MTC2110', `unknown register \`${e.register}\` in the kernel history`));
      });
  }
  if (!base) return { history: own, diagnostics };
  const ownBase = new Set(own.baseline.map((b) => b.register.toUpperCase()));
  return {
    history: normalizeHistory({
      releases: [...new Set([...base.releases, ...own.releases])],
      baseline: [...base.baseline.filter((b) => !ownBase.has(b.register.toUpperCase())), ...own.baseline],
      changes: [...base.changes, ...own.changes],
      writable: [...base.writable, ...own.writable],
      tcg: [...base.tcg, ...own.tcg],
    }),
    diagnostics,
  };
}

