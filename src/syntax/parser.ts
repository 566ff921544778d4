/**
 * The parse driver: text → tokens → AST, with the file limits, lexical
 * diagnostics and the per-file cap. The grammar is in grammar.ts, its
 * messages in messages.ts, error recovery in recovery.ts, AST leaves in
 * nodes.ts. The parser and lexer are built once per process.
 */
import { Lexer, type IToken, type TokenType } from 'chevrotain';
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

function makeLexer(validate: boolean): Lexer {
  return new Lexer(T.allTokens as TokenType[], {
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

export interface ParseResult {
  readonly ast: A.File;
  readonly source: SourceFile;
  readonly diagnostics: Diagnostic[];
}

export interface ParseOptions {
  readonly limits?: Limits;
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
  const lexed = lexerSingleton().tokenize(source.text);
  // Characters no token matches: Chevrotain drops each run of them and reports it once.
  for (const e of lexed.errors.slice(0, MAX_SYNTAX_DIAGNOSTICS + 1)) {
    const text = source.text.slice(e.offset, e.offset + e.length);
    const shown = text.length > 16 ? text.slice(0, 16) + '...' : text;
    diagnostics.push({
      code: 'MTC0001',
      severity: 'error',
      message: `invalid character${text.length > 1 ? 's' : ''} ${JSON.stringify(shown)}`,
      file: path,
      span: source.span(e.offset, e.offset + e.length),
      label: 'not part of the language',
      help: text.startsWith('#') || text.startsWith('/*') ? 'comments start with `//`' : 'remove it',
    });
  }
  if (lexed.tokens.length > limits.maxTokens) {
    diagnostics.push({
      code: 'MTC0010',
      severity: 'error',
      message: `file has ${lexed.tokens.length} tokens, more than the limit of ${limits.maxTokens}`,
      file: path,
      span: source.span(0, 0),
      help: 'split the rules into several files, or raise --max-tokens',
    });
    return { ast: emptyFile(), source, diagnostics };
  }
  const tokens: IToken[] = [];
  for (const tok of lexed.tokens) {
    if (tok.tokenType === T.UnterminatedString) {
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
      (tok as { image: string }).image = tok.image.endsWith('\\') ? tok.image + '"' : tok.image + '"';
    }
    tokens.push(tok);
  }
  const comments: A.Comment[] = (lexed.groups.comments ?? []).map((c) => ({
    kind: 'Comment' as const,
    text: c.image.slice(2),
    span: source.span(c.startOffset, tokenEnd(c)),
  }));
  const parser = parserInstance();
  parser.load(source, tokens);
  parser.file();
  const statements = parser.statements;
  for (const x of parser.takeExtraDiagnostics()) diagnostics.push(x);
  for (const e of parser.errors) diagnostics.push(syntaxDiagnostic(e, source));
  // The parser would otherwise keep this file's tokens (and, through them, its text) until the next parse.
  parser.release();
  return {
    ast: { kind: 'File', path, statements, comments, span: source.span(0, source.text.length) },
    source,
    diagnostics: capDiagnostics(diagnostics, lexed.errors.length, source),
  };
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
