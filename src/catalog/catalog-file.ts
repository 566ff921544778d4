import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { catalogCodes } from './codes.js';
import { entryFromData, type RegisterEntryData } from './catalog.js';
import { validateCatalog } from './generated/validators.js';
import { decodeId } from './regid.js';
import type { RegisterInfo } from './types.js';
import { DEFAULT_MAX_CATALOG_BYTES, nodeAtPointer, parseYamlText, readTextBounded, schemaDiagnostics, type CompiledValidator, type YamlRead } from './yaml-file.js';

export interface CatalogFileResult {
  readonly entries: RegisterInfo[];
  readonly diagnostics: Diagnostic[];
}

/** Reads one catalog YAML file: size, YAML, schema, then id/name consistency. */
export function readCatalogFile(path: string, opts: { maxFileBytes?: number; display?: string } = {}): CatalogFileResult {
  const display = opts.display ?? path;
  const t = readTextBounded(path, opts.maxFileBytes ?? DEFAULT_MAX_CATALOG_BYTES, display);
  if (t.text === undefined) return { entries: [], diagnostics: t.diagnostics };
  return parseCatalogText(t.text, display);
}

export function parseCatalogText(text: string, display: string): CatalogFileResult {
  const read = parseYamlText(text, display);
  if (read.diagnostics.length) return { entries: [], diagnostics: read.diagnostics };
  const schemaErrs = schemaDiagnostics(read, validateCatalog as CompiledValidator, 'catalog');
  if (schemaErrs.length) return { entries: [], diagnostics: schemaErrs };
  const data = read.value as { registers: RegisterEntryData[] };
  const diagnostics: Diagnostic[] = [];
  const ids = new Map<bigint, number>();
  const names = new Map<string, number>();
  const entries: RegisterInfo[] = [];
  data.registers.forEach((r, i) => {
    const id = BigInt(r.id);
    const d = decodeId(id);
    if (!d || d.class !== r.class) {
      diagnostics.push(
        at(read, `/registers/${i}/id`, 'MTC2109', d ? `id ${r.id} of \`${r.name}\` is a ${d.class} id, not ${r.class}` : `\`${r.id}\` (\`${r.name}\`) is not a valid register id`),
      );
      return;
    }
    const prevId = ids.get(id);
    if (prevId !== undefined) {
      diagnostics.push(at(read, `/registers/${i}/id`, 'MTC2107', `id ${r.id} of \`${r.name}\` is already used by \`${data.registers[prevId].name}\``, 'give each id once; later catalog files override earlier ones'));
      return;
    }
    ids.set(id, i);
    for (const n of [r.name, ...(r.aliases ?? [])]) {
      const key = n.toUpperCase();
      const prev = names.get(key);
      if (prev !== undefined && prev !== i) {
        diagnostics.push(at(read, `/registers/${i}/name`, 'MTC2108', `name \`${n}\` is already used by the entry for ${data.registers[prev].id}`));
        return;
      }
      names.set(key, i);
    }
    entries.push(entryFromData(r, display));
  });
  return { entries: diagnostics.length ? [] : entries, diagnostics };
}

function at(read: YamlRead, pointer: string, code: keyof typeof catalogCodes, message: string, help?: string): Diagnostic {
  const { node } = nodeAtPointer(read.doc!, pointer);
  const r = node?.range;
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, severity: catalogCodes[code].severity, message, file: read.source!.path };
  if (r) d.span = read.source!.span(r[0], Math.max(r[1], r[0] + 1));
  if (help) d.help = help;
  return d;
}

export { at as diagnosticAt };
