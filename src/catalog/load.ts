import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { MapCatalog } from './catalog.js';
import { cloneBuiltinCatalog } from './builtin.js';
import { readCatalogFile } from './catalog-file.js';

export interface LoadCatalogOptions {
  /** User catalog files, applied in order over the built-in catalog. */
  readonly files?: readonly string[];
  /** Largest catalog file accepted, in bytes (default 16 MiB). */
  readonly maxFileBytes?: number;
}

/** The built-in catalog extended and overridden by user files. */
export function loadCatalog(opts: LoadCatalogOptions = {}): { catalog: MapCatalog; diagnostics: Diagnostic[] } {
  const files = opts.files ?? [];
  if (files.length === 0) return { catalog: cloneBuiltinCatalog(), diagnostics: [] };
  const catalog = cloneBuiltinCatalog();
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    const r = readCatalogFile(f, { maxFileBytes: opts.maxFileBytes });
    for (const x of r.diagnostics) diagnostics.push(x);
    if (r.diagnostics.some((d) => d.severity === 'error')) continue;
    for (const e of r.entries) catalog.add(e);
  }
  return { catalog, diagnostics };
}
