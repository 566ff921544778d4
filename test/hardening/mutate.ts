/**
 * Mutations of rule files for fuzzing: on ranges of tokens (delete, duplicate,
 * swap, flip case) and on raw text (insert hostile bytes, truncate). A file is
 * cut into lexical pieces with a rough regex: exact token boundaries do not
 * matter, only that mutations mostly keep words whole so the parser gets far.
 */
import fc from 'fast-check';

const piece = /\s+|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"?|[A-Za-z0-9_.\-]+|[^]/gu;

export function pieces(text: string): string[] {
  return text.match(piece) ?? [];
}

/** Text that hurts lexers and position arithmetic. */
export const hostileInsert: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '\u0000', '\r', '\r\n', '\n\r', '\u2028', '\u2029', '\u202e', '\ufeff', '\ud800', '\udc00', '😀', '"', '\\', '\\u{', '\\u{110000}',
    '\\u{d800}', '//', '/*', '*/', '{', '}', '(', ')', ';', ',', '..', '...', '0x', '0x' + 'f'.repeat(40), '9'.repeat(30), '&', '==',
    '=', 'sysreg(', 'machine', 'include', 'inherits', 'kernel', '6.', '6.1.2.3', '\t', '\u00a0', '\u3000', 'é', 'e\u0301', '\u0085',
  ),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
);

export type Mutation =
  | { op: 'delete'; at: number; len: number }
  | { op: 'duplicate'; at: number; len: number }
  | { op: 'swap'; a: number; b: number; len: number }
  | { op: 'flipCase'; at: number; len: number }
  | { op: 'insert'; at: number; text: string }
  | { op: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ op: fc.constant('swap' as const), a: fc.nat(), b: fc.nat(), len: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ op: fc.constant('flipCase' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 10 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: hostileInsert }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

const flip = (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

export function applyMutation(text: string, m: Mutation): string {
  const ps = pieces(text);
  const n = ps.length;
  if (m.op === 'insert') {
    const at = m.at % (text.length + 1);
    return text.slice(0, at) + m.text + text.slice(at);
  }
  if (m.op === 'truncate') return text.slice(0, m.at % (text.length + 1));
  if (n === 0) return text;
  if (m.op === 'swap') {
    const a = m.a % n;
    const b = m.b % n;
    const [lo, hi] = a <= b ? [a, b] : [b, a];
    const len = Math.max(1, Math.min(m.len, hi - lo));
    if (lo === hi) return text;
    const out = [...ps];
    const first = out.slice(lo, lo + len);
    const second = out.slice(hi, hi + len);
    out.splice(hi, second.length, ...first);
    out.splice(lo, first.length, ...second);
    return out.join('');
  }
  const at = m.at % n;
  const range = ps.slice(at, at + m.len);
  if (m.op === 'delete') return [...ps.slice(0, at), ...ps.slice(at + m.len)].join('');
  if (m.op === 'duplicate') return [...ps.slice(0, at + m.len), ...range, ...ps.slice(at + m.len)].join('');
  return [...ps.slice(0, at), ...range.map(flip), ...ps.slice(at + m.len)].join('');
}

/** A base text with one to four mutations applied. */
export function mutated(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(base, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([t, ms]) => ms.reduce(applyMutation, t));
}
