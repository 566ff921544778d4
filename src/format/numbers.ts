import type { NumberLiteral } from '../syntax/ast.js';

/** How a number is written in canonical form, chosen by where it appears. */
export type NumberStyle =
  /** Register ids: `0x` and 16 lower-case hex digits (as QEMU and the kernel print them). */
  | 'id'
  /** Masks and MIDR values: lower-case hex, no `_`. */
  | 'hex'
  /** Test values, REVIDR, AIDR: hex in lower case if written in hex, else decimal; no `_`. */
  | 'keep-radix'
  /** sysreg() encoding fields: decimal. */
  | 'decimal'
  /** Attribute and property values: exactly as written. */
  | 'verbatim';

export function formatNumber(n: NumberLiteral, style: NumberStyle): string {
  const v = n.value;
  if (v === undefined || style === 'verbatim') return n.text;
  const isHex = /^0[xX]/.test(n.text);
  switch (style) {
    case 'id':
      return '0x' + v.toString(16).padStart(16, '0');
    case 'hex':
      return '0x' + v.toString(16);
    case 'keep-radix':
      return isHex ? '0x' + v.toString(16) : v.toString(10);
    case 'decimal':
      return v.toString(10);
  }
}
