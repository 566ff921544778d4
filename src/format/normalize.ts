import type * as A from '../syntax/ast.js';

/**
 * The meaning of a parsed file, for "the formatter changed nothing but layout"
 * checks: spans, comment positions and the file path are dropped, string
 * pieces are joined (only `value` is kept), numbers are compared by value
 * (the formatter rewrites `0X603_0000...` as `0x6030000...`), and each rule's
 * attributes are put in the formatter's canonical order (reason, refs in source
 * order, then the others in source order). Clause order is not in the AST.
 */
export function normalizeAst(file: A.File): unknown {
  return normalizeValue(file.statements, '');
}

/** Every comment's text (trailing blanks trimmed, as the printer trims lines), sorted. */
export function commentTexts(file: A.File): string[] {
  return file.comments.map((c) => c.text.trimEnd()).sort();
}

const dropped = new Set(['span', 'comments', 'path', 'pieces']);

function normalizeValue(v: unknown, key: string): unknown {
  if (typeof v === 'bigint') return `0x${v.toString(16)}`;
  if (Array.isArray(v)) {
    const items = key === 'attributes' ? canonicalAttributeOrder(v as A.Attribute[]) : v;
    return items.map((x) => normalizeValue(x, ''));
  }
  if (v === null || typeof v !== 'object') return v;
  const node = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const numeric = node.kind === 'NumberLiteral' && node.value !== undefined;
  for (const k of Object.keys(node).sort()) {
    if (dropped.has(k)) continue;
    if (numeric && k === 'text') continue;
    // Properties Prettier adds while attaching comments.
    if (k === 'printed' || k === 'enclosingNode' || k === 'precedingNode' || k === 'followingNode') continue;
    out[k] = normalizeValue(node[k], k);
  }
  return out;
}

/** 0: reason, 1: ref, 2: anything else; stable within each group. */
export function attributeRank(a: A.Attribute): number {
  const n = a.name.name;
  return n === 'reason' ? 0 : n === 'ref' ? 1 : 2;
}

export function canonicalAttributeOrder<T extends A.Attribute>(attrs: readonly T[]): T[] {
  return attrs
    .map((a, i) => ({ a, i }))
    .sort((x, y) => attributeRank(x.a) - attributeRank(y.a) || x.i - y.i)
    .map((x) => x.a);
}
