/**
 * A register as a user or a rule names it, to its id: what `decode` and
 * `explain --from` accept on the command line, and a rule's register
 * reference (name, tuple or id) through the catalog.
 */
import type * as A from '../syntax/ast.js';
import { encodeSysreg, parseGenericSysregName, parseIdHex, parseRegisterTuple } from './regid.js';
import type { Catalog } from './types.js';

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

