/**
 * The lexer types keywords after lexing every word as an identifier
 * (src/syntax/parser.ts, `lex`). It must give exactly the tokens Chevrotain
 * gives with each keyword a token of its own with `longer_alt: Ident` (the
 * usual form, built here as the reference): on random text made of keywords,
 * near-keywords, identifier characters, numbers, strings and punctuation.
 */
import fc from 'fast-check';
import { createToken, Lexer, type IToken, type TokenType } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { lex } from '../../src/syntax/parser.js';
import * as T from '../../src/syntax/tokens.js';

/** The vocabulary with keywords as their own patterns, as before. */
function referenceLexer(): Lexer {
  const keywords = T.keywordTokens.map((k) =>
    createToken({ name: `ref-${k.name}`, pattern: k.PATTERN as RegExp, longer_alt: T.Ident }),
  );
  const byRef = new Map(keywords.map((k, i) => [k, T.keywordTokens[i]!]));
  const tokens: TokenType[] = [];
  for (const t of T.allTokens) {
    if (T.keywordTokens.includes(t)) continue;
    if (t === T.Ident) tokens.push(...keywords);
    tokens.push(t);
  }
  const lexer = new Lexer(tokens, { positionTracking: 'onlyOffset' });
  (lexer as unknown as { byRef: typeof byRef }).byRef = byRef;
  return lexer;
}

const shape = (toks: readonly IToken[], rename: (t: TokenType) => TokenType = (t) => t) => toks.map((t) => `${rename(t.tokenType).name}@${t.startOffset}:${t.image}`);

describe('keywords typed after lexing', () => {
  const ref = referenceLexer();
  const byRef = (ref as unknown as { byRef: Map<TokenType, TokenType> }).byRef;
  const rename = (t: TokenType) => byRef.get(t) ?? t;
  const fragment = fc.constantFrom(
    ...T.keywordTokens.map((k) => (k.PATTERN as RegExp).source),
    'machines', 'settle', 'use_', 'Set', 'x', 'Z', '_', '-', '.', '0', '9', '[0]', '10.1', '0x6030_0000', ' ', '\n', '\t',
    '"a b"', '"un', '\\', ';', '{', '}', '(', ')', ',', '=', '==', '&', '..', '// note\n', '#', 'é',
  );
  it('gives the same tokens, types and errors as keywords with longer_alt', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const a = lex(text);
        const b = ref.tokenize(text);
        expect(shape(a.tokens)).toEqual(shape(b.tokens, rename));
        expect(a.errors.map((e) => [e.offset, e.length])).toEqual(b.errors.map((e) => [e.offset, e.length]));
      }),
      { numRuns: 2000 },
    );
  });
  it('a keyword is typed only when the whole word is the keyword', () => {
    const types = lex('machine machines virt-10.1 set set[0] hide.x use').tokens.map((t) => t.tokenType.name);
    expect(types).toEqual(['Machine', 'Ident', 'Ident', 'Set', 'Ident', 'Ident', 'Use']);
  });
});

describe('string patterns', () => {
  // The one-alternation forms the patterns were first written in (src/syntax/tokens.ts).
  const plain = { String: /"(?:[^"\\\r\n]|\\[^\r\n])*"/y, UnterminatedString: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/y };
  const piece = fc.constantFrom('"', '\\', '\n', '\r', 'a', ' ', '\\"', '\\\\', 'é', 'x"', '\\\n');
  it.each([
    ['String', T.StringTok],
    ['UnterminatedString', T.UnterminatedString],
  ] as const)('%s matches exactly what the one-alternation form matches', (name, token) => {
    const fast = new RegExp((token.PATTERN as RegExp).source, 'y');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const text = '"' + parts.join('');
        const want = plain[name].exec(text)?.[0];
        plain[name].lastIndex = 0;
        const got = fast.exec(text)?.[0];
        fast.lastIndex = 0;
        expect(got).toBe(want);
      }),
      { numRuns: 3000 },
    );
  });
});
