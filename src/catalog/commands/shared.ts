import type * as A from '../../syntax/ast.js';
import * as nodePath from 'node:path';
import { loadProject } from '../../resolve/load.js';
import { findProjectRoot } from '../../resolve/project-root.js';
import { encodeSysreg, parseGenericSysregName, parseIdHex, parseRegisterTuple } from '../regid.js';
import type { Catalog } from '../types.js';

/** Resolves what a user typed: hex id, catalog name/alias, generic name, tuple or QEMU name. */
export function resolveUserRegister(catalog: Catalog, text: string): bigint | undefined {
  let t = text.trim();
  // `0x6030_0000_0013_c103`: `_` between hex digits, as rule files accept.
  if (/^0x[0-9a-f]+(_[0-9a-f]+)+$/i.test(t)) t = t.replace(/_/g, '');
  const hex = /^(0x)?([0-9a-f]{16})$/i.exec(t);
  if (hex) return BigInt('0x' + hex[2]);
  const h = parseIdHex(t);
  if (h !== undefined) return h;
  const byName = catalog.lookupName(t);
  if (byName) return byName.id;
  const g = parseGenericSysregName(t);
  if (g) return encodeSysreg(g);
  return parseRegisterTuple(t);
}

export interface RuleMention {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly machine: string;
  readonly kind: string;
  readonly text: string;
}

/** Register id of an AST reference, through the catalog. */
export function refId(catalog: Catalog, r: A.RegisterRef): bigint | undefined {
  if (r.kind === 'RegisterId') return r.literal.value;
  if (r.kind === 'RegisterTuple') {
    const v = r.fields.map((f) => f.value);
    if (v.length !== 5 || v.some((x) => x === undefined || x > 15n)) return undefined;
    try {
      return encodeSysreg({ op0: Number(v[0]), op1: Number(v[1]), crn: Number(v[2]), crm: Number(v[3]), op2: Number(v[4]) });
    } catch {
      return undefined;
    }
  }
  const info = catalog.lookupName(r.name);
  if (info) return info.id;
  const g = parseGenericSysregName(r.name);
  return g ? encodeSysreg(g) : undefined;
}

/** Every hide/tolerate rule of the rule tree that mentions one of `ids`. */
export function ruleMentions(catalog: Catalog, paths: readonly string[], ids: ReadonlySet<bigint>): Map<bigint, RuleMention[]> {
  const out = new Map<bigint, RuleMention[]>();
  let project;
  try {
    // The root as `mtc check` finds it, so that `--rules /elsewhere/rules` works from any directory.
    const abs = paths.map((p) => nodePath.resolve(p));
    project = loadProject(abs, { root: findProjectRoot(abs, process.cwd()) });
  } catch {
    return out;
  }
  for (const f of project.files)
    for (const st of f.ast.statements) {
      if (st.kind !== 'Machine') continue;
      for (const rule of st.body) {
        if (rule.kind !== 'Hide' && rule.kind !== 'Tolerate') continue;
        for (const r of rule.registers) {
          const id = refId(catalog, r);
          if (id === undefined || !ids.has(id)) continue;
          const src = project.sources.get(f.path);
          const text = src ? src.lineText(rule.span.start.line).trim() : rule.kind.toLowerCase();
          const list = out.get(id) ?? [];
          list.push({ file: f.path, line: r.span.start.line, column: r.span.start.column, machine: st.name?.name ?? '?', kind: rule.kind.toLowerCase(), text });
          out.set(id, list);
        }
      }
    }
  return out;
}
