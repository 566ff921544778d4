/** Decoding of number, version and string literals (the lexer only finds their extent). */

const MAX_U64 = (1n << 64n) - 1n;

export interface ParsedNumber {
  readonly value: bigint | undefined;
  readonly error?: string;
}

/** Decimal or `0x` hex, `_` allowed between digits, at most 64 bits. */
export function parseNumberText(text: string): ParsedNumber {
  // The message text is built only for a bad number.
  const shown = () => (text.length > 40 ? text.slice(0, 37) + '...' : text);
  let digits: string;
  let radix: 10 | 16;
  if (text.length > 1 && text.charCodeAt(0) === 48 /* 0 */ && (text.charCodeAt(1) | 0x20) === 120 /* x */) {
    digits = text.slice(2);
    radix = 16;
    if (!/^[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*$/.test(digits))
      return { value: undefined, error: `\`${shown()}\` is not a hexadecimal number` };
  } else {
    digits = text;
    radix = 10;
    if (!/^[0-9]+(?:_[0-9]+)*$/.test(digits)) {
      if (/^[0-9]+(?:\.[0-9]+)+$/.test(text)) return { value: undefined, error: `\`${shown()}\` is a version, not a number` };
      return { value: undefined, error: `\`${shown()}\` is not a number` };
    }
  }
  const clean = digits.includes('_') ? digits.replace(/_/g, '') : digits;
  if (clean.length > 40) return { value: undefined, error: `\`${shown()}\` does not fit in 64 bits` };
  const value = radix === 16 ? BigInt('0x' + clean) : BigInt(clean);
  if (value > MAX_U64) return { value: undefined, error: `\`${shown()}\` does not fit in 64 bits` };
  return { value };
}

/** `6.15` → [6, 15]; one to three parts... a version needs at least major.minor. */
export function parseVersionText(text: string): number[] | undefined {
  if (!/^[0-9]{1,4}\.[0-9]{1,4}(?:\.[0-9]{1,6})?$/.test(text)) return undefined;
  return text.split('.').map((p) => Number(p));
}

export interface DecodedString {
  readonly value: string;
  readonly badEscapes: readonly { readonly offset: number; readonly text: string }[];
}

/** Decodes a quoted literal (with its quotes). Offsets of bad escapes are relative to the literal. */
const NO_ESCAPES: readonly { readonly offset: number; readonly text: string }[] = [];

export function decodeString(literal: string): DecodedString {
  const inner = literal.slice(1, literal.endsWith('"') && literal.length > 1 ? -1 : undefined);
  if (!inner.includes('\\')) return { value: inner, badEscapes: NO_ESCAPES };
  let value = '';
  const badEscapes: { offset: number; text: string }[] = [];
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c !== '\\') {
      value += c;
      continue;
    }
    const n = inner[i + 1];
    switch (n) {
      case '\\':
      case '"':
        value += n;
        i++;
        break;
      case 'n':
        value += '\n';
        i++;
        break;
      case 't':
        value += '\t';
        i++;
        break;
      case 'u': {
        const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(inner.slice(i + 2));
        const cp = m ? parseInt(m[1], 16) : NaN;
        if (m && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
          value += String.fromCodePoint(cp);
          i += 1 + m[0].length;
        } else {
          badEscapes.push({ offset: i + 1, text: inner.slice(i, i + 2) });
          i++;
        }
        break;
      }
      default:
        badEscapes.push({ offset: i + 1, text: n === undefined ? '\\' : '\\' + n });
        if (n !== undefined) value += n;
        i++;
    }
  }
  return { value, badEscapes };
}

/** Compares dotted versions numerically; missing parts count as 0. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
