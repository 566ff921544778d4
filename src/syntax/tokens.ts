import { createToken, Lexer, type TokenType } from 'chevrotain';

/**
 * Token vocabulary. Keywords use `longer_alt` so that `hidden` or `virt-10.1`
 * lex as identifiers. Every token (but EOF) is in the `Any` category, which the
 * parser's junk-skipping alternatives consume; keywords are also `AttrName`s,
 * so `since "x";` inside a rule body is an unknown attribute, not a crash.
 */

export const Any = createToken({ name: 'Any', pattern: Lexer.NA });
export const AttrName = createToken({ name: 'AttrName', pattern: Lexer.NA });

/*
 * `start_chars_hint` tells Chevrotain which characters can start each token,
 * so that it need not analyse the regular expressions at every start-up.
 */
const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_'];
const DIGITS = [...'0123456789'];

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n\f\v\u00a0\ufeff]+/,
  start_chars_hint: [' ', '\t', '\r', '\n', '\f', '\v', '\u00a0', '\ufeff'],
  group: Lexer.SKIPPED,
  line_breaks: true,
});

export const LineComment = createToken({
  name: 'LineComment',
  pattern: /\/\/[^\r\n]*/,
  start_chars_hint: ['/'],
  group: 'comments',
});

export const Ident = createToken({
  name: 'Ident',
  pattern: /[A-Za-z_][A-Za-z0-9_]*(?:\[[0-9]+\])*(?:[-.][A-Za-z0-9_]+(?:\[[0-9]+\])*)*/,
  start_chars_hint: LETTERS,
  categories: [Any, AttrName],
});

function keyword(word: string): TokenType {
  return createToken({
    name: word[0].toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    start_chars_hint: [word[0]],
    longer_alt: Ident,
    categories: [Any, AttrName],
  });
}

export const Machine = keyword('machine');
export const Inherits = keyword('inherits');
export const Include = keyword('include');
export const Target = keyword('target');
export const Hide = keyword('hide');
export const Tolerate = keyword('tolerate');
export const Set = keyword('set');
export const Allow = keyword('allow');
export const Cpu = keyword('cpu');
export const Revidr = keyword('revidr');
export const Aidr = keyword('aidr');
export const Requires = keyword('requires');
export const Kernel = keyword('kernel');
export const Since = keyword('since');
export const When = keyword('when');
export const Value = keyword('value');
export const Sysreg = keyword('sysreg');
// Shared compat sets (issue 15).
export const Compat = keyword('compat');
export const Use = keyword('use');
export const Optional = keyword('optional');

/** Hex (`0x603000000013c103`, `_` separators allowed), decimal, or a dotted version (`6.15`). */
export const NumberTok = createToken({
  name: 'Number',
  pattern: /0[xX][0-9A-Za-z_]*|[0-9][0-9A-Za-z_]*(?:\.[0-9][0-9A-Za-z_]*)*/,
  start_chars_hint: DIGITS,
  categories: [Any],
});

/*
 * A string: characters other than `"`, `\` and line ends, or `\` and any one
 * character but a line end. Written as runs of plain characters between
 * escapes (`"[^"\\…]*(?:\\.[^"\\…]*)*"`), which the regular expression engine
 * matches a run at a time instead of trying the alternation at every
 * character; test/syntax/lexer.test.ts checks it against the one-alternation form.
 */
export const StringTok = createToken({
  name: 'String',
  pattern: /"[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*"/,
  start_chars_hint: ['"'],
  categories: [Any],
});

/** A string that reaches the end of its line; reported, then parsed as a string. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"[^"\\\r\n]*(?:\\[^\r\n][^"\\\r\n]*)*\\?/,
  start_chars_hint: ['"'],
  categories: [Any],
});

export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, start_chars_hint: ['{'], categories: [Any] });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, start_chars_hint: ['}'], categories: [Any] });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, start_chars_hint: ['('], categories: [Any] });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, start_chars_hint: [')'], categories: [Any] });
export const Comma = createToken({ name: 'Comma', pattern: /,/, start_chars_hint: [','], categories: [Any] });
export const Semi = createToken({ name: 'Semi', pattern: /;/, start_chars_hint: [';'], categories: [Any] });
export const EqEq = createToken({ name: 'EqEq', pattern: /==/, start_chars_hint: ['='], categories: [Any] });
export const Eq = createToken({ name: 'Eq', pattern: /=/, start_chars_hint: ['='], categories: [Any] });
export const Amp = createToken({ name: 'Amp', pattern: /&/, start_chars_hint: ['&'], categories: [Any] });
export const DotDot = createToken({ name: 'DotDot', pattern: /\.\./, start_chars_hint: ['.'], categories: [Any] });

export const keywordTokens: readonly TokenType[] = [
  Machine, Inherits, Include, Target, Hide, Tolerate, Set, Allow, Cpu, Revidr, Aidr, Requires,
  Kernel, Since, When, Value, Sysreg, Compat, Use, Optional,
];

export const allTokens: readonly TokenType[] = [
  WhiteSpace,
  LineComment,
  ...keywordTokens,
  Ident,
  NumberTok,
  StringTok,
  UnterminatedString,
  LCurly,
  RCurly,
  LParen,
  RParen,
  Comma,
  Semi,
  EqEq,
  Eq,
  Amp,
  DotDot,
  Any,
  AttrName,
];

/** How a token type is named in our messages. */
export function describeTokenType(t: TokenType): string {
  switch (t.name) {
    case 'Ident':
      return 'a name';
    case 'Number':
      return 'a number';
    case 'String':
    case 'UnterminatedString':
      return 'a string';
    case 'EOF':
      return 'end of file';
    case 'Any':
      return 'anything';
    case 'AttrName':
      return 'an attribute name';
    default: {
      const p = t.PATTERN;
      if (p instanceof RegExp) return `\`${p.source.replace(/\\/g, '')}\``;
      return t.name;
    }
  }
}

/** The keywords' spellings, sorted (the TextMate grammar test, the docs, `mtc import`'s names that need quoting). */
export function keywords(): string[] {
  return keywordTokens.map((t) => (t.PATTERN as RegExp).source).sort();
}
