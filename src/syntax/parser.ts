/**
 * The parse driver: text → tokens → AST, with the file limits, lexical
 * diagnostics and the per-file cap. The grammar is in grammar.ts, its
 * messages in messages.ts, error recovery in recovery.ts, AST leaves in
 * nodes.ts. The parser and lexer are built once per process.
 */
import { Lexer, type ILexingResult, type IToken, type TokenType } from 'chevrotain';
import type * as A from './ast.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../diagnostics/source.js';
import { defaultLimits, type Limits } from '../util/limits.js';
import * as T from './tokens.js';
import { MtcParser } from './grammar.js';
import { tokenEnd } from './spans.js';
import { capDiagnostics, MAX_SYNTAX_DIAGNOSTICS, syntaxDiagnostic } from './recovery.js';

export { tokenEnd } from './spans.js';
export { describeToken } from './messages.js';
export { MAX_SYNTAX_DIAGNOSTICS } from './recovery.js';

let instance: MtcParser | undefined;
function parserInstance(): MtcParser {
  instance ??= new MtcParser(false);
  return instance;
}

/** Builds a parser with Chevrotain's grammar validations on; throws on a grammar defect (for tests). */
export function validateGrammar(): void {
  new MtcParser(true);
  makeLexer(true);
}

/**
 * Keywords are not the lexer's: it lexes every word as an identifier, and
 * parsePiece gives a word that is exactly a keyword that keyword's type. That
 * is what `longer_alt: Ident` on each keyword meant (a keyword only where the
 * identifier it starts is no longer than it), with one pattern tried per word
 * instead of every keyword with the same first letter, then the identifier
 * (test/syntax/lexer.test.ts compares the two on random text).
 */
const lexerTokens = T.allTokens.filter((t) => !T.keywordTokens.includes(t));
const keywordByText = new Map(T.keywordTokens.map((t) => [(t.PATTERN as RegExp).source, t]));
// A word of another length is no keyword: most words need no look-up.
const keywordLengths = [...keywordByText.keys()].map((k) => k.length);
const shortestKeyword = Math.min(...keywordLengths);
const longestKeyword = Math.max(...keywordLengths);

function makeLexer(validate: boolean): Lexer {
  return new Lexer(lexerTokens as TokenType[], {
    positionTracking: 'onlyOffset',
    ensureOptimizations: validate,
    // As for the parser: validated by a test, not on every start.
    skipValidations: !validate,
  });
}

let lexerInstance: Lexer | undefined;
function lexerSingleton(): Lexer {
  lexerInstance ??= makeLexer(false);
  return lexerInstance;
}

/** The tokens of `text` (offsets from its start), each word that is a keyword typed as that keyword. */
export function lex(text: string): ILexingResult {
  const lexed = lexerSingleton().tokenize(text);
  const tokens = lexed.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok.tokenType !== T.Ident) continue;
    const n = tok.image.length;
    if (n < shortestKeyword || n > longestKeyword) continue;
    const keyword = keywordByText.get(tok.image);
    if (keyword !== undefined) {
      (tok as { tokenType: TokenType }).tokenType = keyword;
      (tok as { tokenTypeIdx: number }).tokenTypeIdx = keyword.tokenTypeIdx!;
    }
  }
  return lexed;
}

export interface ParseResult {
  readonly ast: A.File;
  readonly source: SourceFile;
  readonly diagnostics: Diagnostic[];
}

export interface ParseOptions {
  readonly limits?: Limits;
  /** Slice length for large files (tests use small slices; see CHUNK_BYTES). */
  readonly chunkBytes?: number;
  /** Told of each slice kept (tests). */
  readonly onSlice?: (start: number, end: number) => void;
}

/** Text → tokens → AST. Never throws on any input; problems come back as diagnostics. */
export function parseSource(source: SourceFile, options: ParseOptions = {}): ParseResult {
  const limits = options.limits ?? defaultLimits;
  const diagnostics: Diagnostic[] = [];
  const path = source.path;
  const emptyFile = (): A.File => ({
    kind: 'File',
    path,
    statements: [],
    comments: [],
    span: source.span(0, source.text.length),
  });
  if (source.text.length > limits.maxFileBytes) {
    diagnostics.push({
      code: 'MTC0009',
      severity: 'error',
      message: `file is larger than the limit of ${limits.maxFileBytes} bytes`,
      file: path,
      span: source.span(0, 0),
      help: 'split the rules into several files joined with `include`, or raise --max-file-size',
    });
    return { ast: emptyFile(), source, diagnostics };
  }
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const text = source.text;
  const statements: A.TopStatement[] = [];
  const comments: A.Comment[] = [];
  let start = 0;
  let tokenCount = 0;
  let prevEnd = 0;
  // Large files are lexed and parsed a slice of whole statements at a time, so that only one slice's
  // tokens live at once. A slice is kept only when it parsed without any diagnostic; otherwise the
  // rest of the file is parsed in one piece, exactly as a small file is (see parsePiece).
  for (;;) {
    const cut = text.length - start > 2 * chunkBytes ? nextCut(text, start + chunkBytes) : -1;
    const piece = parsePiece(source, start, cut >= 0 ? cut : text.length, prevEnd, cut >= 0, limits.maxTokens - tokenCount);
    if (piece === undefined) {
      if (cut < 0) throw new Error('unreachable: the last piece is never refused');
      // Not clean: parse the rest in one piece.
      const rest = parsePiece(source, start, text.length, prevEnd, false, limits.maxTokens - tokenCount)!;
      return finish(rest);
    }
    if (cut < 0 || piece.overLimit) return finish(piece);
    tokenCount += piece.tokens;
    options.onSlice?.(start, cut);
    for (const st of piece.statements) statements.push(st);
    for (const c of piece.comments) comments.push(c);
    prevEnd = piece.lastEnd;
    start = cut;
  }

  function finish(last: Piece): ParseResult {
    for (const d of last.diagnostics) diagnostics.push(d);
    if (last.overLimit) {
      // The count of the whole file, as the message says.
      const n = tokenCount + last.tokens;
      diagnostics.push({
        code: 'MTC0010',
        severity: 'error',
        message: `file has ${n} tokens, more than the limit of ${limits.maxTokens}`,
        file: path,
        span: source.span(0, 0),
        help: 'split the rules into several files, or raise --max-tokens',
      });
      return { ast: emptyFile(), source, diagnostics };
    }
    for (const st of last.statements) statements.push(st);
    for (const c of last.comments) comments.push(c);
    return {
      ast: { kind: 'File', path, statements, comments, span: source.span(0, text.length) },
      source,
      diagnostics: capDiagnostics(diagnostics, last.lexErrors, source),
    };
  }
}

/** Length of the slices large files are parsed in (whole top-level statements, at least this long). */
export const CHUNK_BYTES = 64 * 1024;

/**
 * A place to cut the text for a slice: just after the first `}` that starts
 * a line at or after `from` (a formatted file closes each machine type and
 * compat set there); -1 when there is none. A line-start `}` is always a
 * token (strings and comments end at their line), but it may close
 * something other than a statement: the guess is confirmed by parsePiece,
 * which keeps the slice only if it ends with that `}` and parses cleanly.
 */
function nextCut(text: string, from: number): number {
  const i = text.indexOf('\n}', from - 1);
  return i < 0 ? -1 : i + 2;
}

interface Piece {
  readonly statements: A.TopStatement[];
  readonly comments: A.Comment[];
  readonly diagnostics: Diagnostic[];
  readonly tokens: number;
  /** More tokens than the budget: nothing was parsed. */
  readonly overLimit: boolean;
  readonly lexErrors: number;
  /** End offset of the piece's last token. */
  readonly lastEnd: number;
}

/**
 * Lexes and parses `text[start, end)` with offsets of the whole file. With
 * `strict`, returns undefined unless the piece is clean: no diagnostic at
 * all, and its last token is a `}` or `;` ending exactly at `end`. The lexer
 * then saw the same tokens as it would in the whole file (no token reaches
 * past that `}` or `;`), and the parser ended a statement there and began the
 * next at `end`, as it would in the whole file (a statement never looks past
 * its closing `}` or `;`).
 */
function parsePiece(source: SourceFile, start: number, end: number, prevEnd: number, strict: boolean, budget: number): Piece | undefined {
  const path = source.path;
  const whole = start === 0 && end === source.text.length;
  const lexed = lex(whole ? source.text : source.text.slice(start, end));
  const raw = lexed.tokens;
  if (strict) {
    if (lexed.errors.length > 0 || raw.length === 0) return undefined;
    const last = raw[raw.length - 1];
    if ((last.tokenType !== T.RCurly && last.tokenType !== T.Semi) || last.startOffset + 1 !== end - start) return undefined;
  }
  const diagnostics: Diagnostic[] = [];
  // Characters no token matches: Chevrotain drops each run of them and reports it once.
  for (const e of lexed.errors.slice(0, MAX_SYNTAX_DIAGNOSTICS + 1)) {
    const at = e.offset + start;
    const text = source.text.slice(at, at + e.length);
    const shown = text.length > 16 ? text.slice(0, 16) + '...' : text;
    diagnostics.push({
      code: 'MTC0001',
      severity: 'error',
      message: `invalid character${text.length > 1 ? 's' : ''} ${JSON.stringify(shown)}`,
      file: path,
      span: source.span(at, at + e.length),
      label: 'not part of the language',
      help: text.startsWith('#') || text.startsWith('/*') ? 'comments start with `//`' : 'remove it',
    });
  }
  const base = { lexErrors: lexed.errors.length, tokens: raw.length };
  if (raw.length > budget) {
    // A slice over the budget is not clean: the rest of the file is then lexed as one, and its count reported.
    if (strict) return undefined;
    return { ...base, statements: [], comments: [], diagnostics, overLimit: true, lastEnd: prevEnd };
  }
  // The lexer's own list, retyped and moved in place (a copy would be a second list of every token).
  const tokens: IToken[] = raw;
  for (let i = 0; i < raw.length; i++) {
    const tok = raw[i];
    if (start !== 0) (tok as { startOffset: number }).startOffset += start;
    if (tok.tokenType === T.UnterminatedString) {
      if (strict) return undefined;
      diagnostics.push({
        code: 'MTC0002',
        severity: 'error',
        message: 'string is not closed before the end of the line',
        file: path,
        span: source.span(tok.startOffset, tokenEnd(tok)),
        label: 'this string has no closing `"`',
        help: 'add the closing `"`; split long text into several strings: `"part one " "part two"`',
      });
      // Parse on as if it were closed.
      (tok as { tokenType: TokenType }).tokenType = T.StringTok;
      (tok as { tokenTypeIdx: number }).tokenTypeIdx = T.StringTok.tokenTypeIdx!;
      (tok as { image: string }).image = tok.image + '"';
    }
  }
  const comments: A.Comment[] = (lexed.groups.comments ?? []).map((c) => {
    const at = c.startOffset + start;
    return { kind: 'Comment' as const, text: c.image.slice(2), span: source.span(at, at + c.image.length) };
  });
  const parser = parserInstance();
  parser.load(source, tokens, prevEnd, start !== 0);
  parser.file();
  const statements = parser.statements;
  const extra = parser.takeExtraDiagnostics();
  const errors = parser.errors;
  // The parser would otherwise keep this piece's tokens (and, through them, its text) until the next parse.
  parser.release();
  if (strict && (extra.length > 0 || errors.length > 0)) return undefined;
  for (const x of extra) diagnostics.push(x);
  for (const e of errors) diagnostics.push(syntaxDiagnostic(e, source));
  const lastTok = tokens[tokens.length - 1];
  return { ...base, statements, comments, diagnostics, overLimit: false, lastEnd: lastTok ? tokenEnd(lastTok) : prevEnd };
}

/** Reading order of the rules in the grammar artifacts (Chevrotain lists them in definition order, spread over two classes). */
const ARTIFACT_ORDER = ['junk', 'file', 'include', 'target', 'machine', 'clauses', 'hide', 'tolerate', 'set', 'allow', 'requires',
  'kernelRange', 'valueTest', 'ruleTail', 'attribute', 'regList', 'regRef', 'tuple', 'stringLit', 'compatSet', 'use'];

/** The grammar as Chevrotain sees it (for railroad diagrams and the committed snapshot). */
export function serializedGrammar() {
  const rules = parserInstance().getSerializedGastProductions();
  const rank = (r: { name?: string }) => {
    const i = ARTIFACT_ORDER.indexOf(r.name ?? '');
    return i < 0 ? ARTIFACT_ORDER.length : i;
  };
  return [...rules].sort((a, b) => rank(a as { name?: string }) - rank(b as { name?: string }));
}
