/**
 * Error recovery: junk statements skipped by hand (one report each), and
 * Chevrotain's recognition errors turned into located diagnostics, capped per
 * file. Used by the grammar (skipping) and the parse driver (reporting).
 */
import { EOF, type IRecognitionException, type IToken, type TokenType } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { spanEnd, spanStart, type SourceFile, type Span } from '../diagnostics/source.js';
import { tokenEnd } from './spans.js';
import { describeToken, ruleHelp, suggestKeyword } from './messages.js';
import * as T from './tokens.js';

/** Where junk is skipped: what counts as the start of the next good statement. */
export const enum JunkContext {
  Top = 0,
  Body = 1,
  Attributes = 2,
}

export const topStarts = new Set<TokenType>([T.Machine, T.Include, T.Target, T.Compat]);
export const bodyStarts = new Set<TokenType>([T.Hide, T.Tolerate, T.Set, T.Allow, T.Requires, T.Use]);
const noStarts = new Set<TokenType>();

/** What skipping needs of the parser. */
export interface JunkCursor {
  /** The next token. */
  peek(): IToken;
  /** Consumes the next token. */
  skip(): void;
  /** Whether Chevrotain already reported an error at this offset. */
  reportedAt(offset: number): boolean;
  startOf(tok: IToken): number;
  endOf(tok: IToken): number;
  span(start: number, end: number): Span;
  file(): string;
}

/**
 * Skips a statement that cannot start here: up to and including its `;`, or
 * over its balanced `{ ... }` block, or up to the next token that starts a
 * good statement. Returns the one diagnostic for it, or nothing when
 * Chevrotain already reported an error at its first token.
 */
export function skipJunk(c: JunkCursor, first: IToken, ctx: JunkContext): Diagnostic | undefined {
  const starts = ctx === JunkContext.Top ? topStarts : ctx === JunkContext.Body ? bodyStarts : noStarts;
  const start = c.startOf(first);
  let end = c.endOf(first);
  let depth = first.tokenType === T.LCurly ? 1 : 0;
  let done = first.tokenType === T.Semi && depth === 0;
  while (!done) {
    const next = c.peek();
    const tt = next.tokenType;
    if (tt === EOF) break;
    if (depth === 0 && (starts.has(tt) || tt === T.RCurly)) break;
    if (ctx !== JunkContext.Top && depth === 0 && topStarts.has(tt)) break;
    c.skip();
    end = tokenEnd(next);
    if (tt === T.LCurly) depth++;
    else if (tt === T.RCurly) {
      depth--;
      if (depth === 0) done = true;
    } else if (tt === T.Semi && depth === 0) done = true;
  }
  // Chevrotain already reported an error at this token and re-synchronised here: one report is enough.
  if (c.reportedAt(first.startOffset)) return undefined;
  const expected =
    ctx === JunkContext.Top
      ? '`machine`, `compat`, `include` or `target`'
      : ctx === JunkContext.Body
        ? 'a rule (`hide`, `tolerate`, `set`, `use`, `allow` or `requires`)'
        : 'an attribute (`reason` or `ref`)';
  const what =
    ctx === JunkContext.Body && first.tokenType === T.Ident
      ? `unknown rule \`${first.image.slice(0, 40)}\``
      : `unexpected ${describeToken(first)}`;
  return {
    code: 'MTC0005',
    severity: 'error',
    message: `${what}: expected ${expected}`,
    file: c.file(),
    span: c.span(start, c.endOf(first)),
    label: end > c.endOf(first) ? 'this statement is skipped' : 'not expected here',
    help:
      ctx === JunkContext.Top
        ? ruleHelp.file
        : ctx === JunkContext.Body
          ? (suggestKeyword(first.image, ['hide', 'tolerate', 'set', 'use', 'allow', 'requires']) ??
            'rules inside a machine type start with `hide`, `tolerate`, `set`, `use`, `allow` or `requires`')
          : ruleHelp.attribute,
  };
}

/** A recognition error of Chevrotain as a diagnostic. */
export function syntaxDiagnostic(e: IRecognitionException, source: SourceFile): Diagnostic {
  const tok = e.token;
  const rule = e.context.ruleStack[e.context.ruleStack.length - 1] ?? 'file';
  const prev = (e as { previousToken?: IToken }).previousToken;
  const atEof = tok.tokenType === EOF || Number.isNaN(tok.startOffset);
  let start = atEof ? source.text.length : tok.startOffset;
  let end = atEof ? source.text.length : tokenEnd(tok);
  const code =
    e.name === 'MismatchedTokenException' ? 'MTC0004' : e.name === 'EarlyExitException' ? 'MTC0006' : 'MTC0005';
  let label = atEof ? 'the file ends here' : 'found here';
  // A token missing at the end of a line is reported right after the previous token, as rustc does.
  if (code === 'MTC0004' && prev && prev.tokenType !== EOF && !Number.isNaN(prev.startOffset)) {
    const prevEnd = tokenEnd(prev);
    if (atEof || source.position(prevEnd).line < source.position(start).line) {
      start = end = prevEnd;
      label = 'expected here';
    }
  }
  return {
    code,
    severity: 'error',
    message: e.message,
    file: source.path,
    span: source.span(start, end),
    label,
    help: ruleHelp[rule] ?? ruleHelp.file,
  };
}

/** Most lexical and syntax diagnostics reported for one file. */
export const MAX_SYNTAX_DIAGNOSTICS = 200;

/** Keeps the first MAX_SYNTAX_DIAGNOSTICS (in file order) and says how many more there were. */
export function capDiagnostics(diags: Diagnostic[], lexErrors: number, source: SourceFile): Diagnostic[] {
  const shownLex = Math.min(lexErrors, MAX_SYNTAX_DIAGNOSTICS + 1);
  const total = diags.length + (lexErrors - shownLex);
  if (total <= MAX_SYNTAX_DIAGNOSTICS) return diags;
  const at = (d: Diagnostic) => (d.span ? spanStart(d.span) : 0);
  const kept = [...diags].sort((a, b) => at(a) - at(b)).slice(0, MAX_SYNTAX_DIAGNOSTICS);
  const lastSpan = kept[kept.length - 1]?.span;
  const last = lastSpan ? spanEnd(lastSpan) : 0;
  kept.push({
    code: 'MTC0012',
    severity: 'error',
    message: `${total - MAX_SYNTAX_DIAGNOSTICS} more syntax errors in this file are not shown`,
    file: source.path,
    span: source.span(last, last),
    label: 'the listing stops here',
    help: 'is this a rule file? fix the errors above and check again',
  });
  return kept;
}
