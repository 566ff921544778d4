/**
 * AST leaves built from tokens (identifiers, numbers, versions, strings) and
 * their spans, with the diagnostics their text can raise. One instance per
 * parser; `load()` points it at the next file. Spans are offsets only (see
 * source.ts); a token inserted by recovery gets an empty span where it is missing.
 */
import type { IToken } from 'chevrotain';
import type * as A from './ast.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile, type OffsetSpan } from '../diagnostics/source.js';
import { tokenEnd } from './spans.js';
import { exact } from '../util/arrays.js';
import { parseNumberText, parseVersionText, decodeString } from './literals.js';
import { badEscape, badNumber, badVersion } from './messages.js';

/** The length of a string token's text in the source, when it ends with its closing quote there; else -1. */
function tokEndLength(tok: IToken, text: string): number {
  const end = tok.startOffset + tok.image.length;
  return text.charCodeAt(end - 1) === 34 && text.charCodeAt(tok.startOffset) === 34 ? tok.image.length : -1;
}

/** Slots of the short-text cache (a power of two). */
const NAME_SLOTS = 1024;

export class NodeBuilder {
  src: SourceFile = new SourceFile('', '');
  /** Diagnostics of the parser's own (beyond Chevrotain's recognition errors). */
  extra: Diagnostic[] = [];

  constructor(
    /** End offset of the last consumed token (0 before the first). */
    readonly prevEnd: () => number,
  ) {}

  /**
   * Mostly one copy of each short text of the file: the lexer makes a new
   * string for every token, and a large file says `reason`, `ref`, `linux`,
   * `arm-cpu`... hundreds of thousands of times. A direct-mapped cache keyed
   * by the length and three characters (no full hash, no map): a text whose
   * slot holds an equal string gets that string; otherwise it takes the slot.
   * Two texts that share a slot only cost copies. Longer texts are slices of
   * the file's text.
   */
  private names: (string | undefined)[] = new Array<string | undefined>(NAME_SLOTS).fill(undefined);

  /** Points the builder at `src`; `sameFile` when it is the next slice of the file before (its names stay shared). */
  load(src: SourceFile, sameFile = false): void {
    this.src = src;
    this.extra = [];
    if (!sameFile) this.names.fill(undefined);
  }

  /** The token's text: shared when short, else a slice of the source (no copy). */
  text(tok: IToken): string {
    const image = tok.image;
    if (image.length >= 13) return this.src.text.slice(tok.startOffset, tok.startOffset + image.length);
    return this.intern(image);
  }

  /** The shared copy of a short text (V8 copies strings under 13 characters where it slices longer ones). */
  intern(s: string): string {
    const n = s.length;
    if (n >= 13 || n === 0) return s;
    const slot = (n * 31 + s.charCodeAt(0) * 7 + s.charCodeAt(n >> 1) * 5 + s.charCodeAt(n - 1)) & (NAME_SLOTS - 1);
    const known = this.names[slot];
    if (known === s) return known;
    this.names[slot] = s;
    return s;
  }

  startOf(tok: IToken): number {
    if (tok.isInsertedInRecovery || Number.isNaN(tok.startOffset)) return this.prevEnd();
    return tok.startOffset;
  }

  /** Chevrotain end offsets are inclusive; this is the one place they become exclusive. */
  endOf(tok: IToken): number {
    if (tok.isInsertedInRecovery || Number.isNaN(tok.startOffset)) return this.prevEnd();
    return tokenEnd(tok);
  }

  span(start: number, end: number): OffsetSpan {
    return this.src.span(start, end);
  }

  /** From the start of one token to the end of another. */
  between(first: IToken, last: IToken): OffsetSpan {
    return this.src.span(this.startOf(first), this.endOf(last));
  }

  ident(tok: IToken): A.Identifier {
    return { kind: 'Identifier', name: tok.isInsertedInRecovery ? '' : this.text(tok), span: this.between(tok, tok) };
  }

  num(tok: IToken): A.NumberLiteral {
    const span = this.between(tok, tok);
    if (tok.isInsertedInRecovery) return { kind: 'NumberLiteral', text: '', value: undefined, span };
    const parsed = parseNumberText(tok.image);
    if (parsed.error) this.extra.push(badNumber(this.src.path, span, parsed.error));
    return { kind: 'NumberLiteral', text: this.text(tok), value: parsed.value, span };
  }

  version(tok: IToken): A.Version {
    const span = this.between(tok, tok);
    if (tok.isInsertedInRecovery) return { kind: 'Version', text: '', parts: [], span };
    const parts = parseVersionText(tok.image);
    if (!parts) this.extra.push(badVersion(this.src.path, span, tok.image));
    return { kind: 'Version', text: this.text(tok), parts: parts ?? [], span };
  }

  strings(toks: IToken[]): A.StringLiteral {
    const span = this.src.span(this.startOf(toks[0]), this.endOf(toks[toks.length - 1]));
    // The common case, one piece as written in the source: no list of pieces (its text is the span's).
    if (toks.length === 1 && !toks[0].isInsertedInRecovery && toks[0].image.length === tokEndLength(toks[0], this.src.text)) {
      const d = decodeString(toks[0].image);
      if (d.badEscapes.length === 0) return { kind: 'StringLiteral', value: this.intern(d.value), span };
    }
    let value = '';
    const pieces: string[] = [];
    for (const tok of toks) {
      if (tok.isInsertedInRecovery) continue;
      // A slice of the source, unless recovery closed the string (its image then ends in a `"` the source lacks).
      const end = tok.startOffset + tok.image.length;
      const piece = tok.image.length >= 13 && this.src.text.charCodeAt(end - 1) === 34 ? this.src.text.slice(tok.startOffset, end) : tok.image;
      pieces.push(piece);
      const d = decodeString(piece);
      value += d.value;
      for (const bad of d.badEscapes) {
        const at = tok.startOffset + bad.offset;
        this.extra.push(badEscape(this.src.path, this.src.span(at, at + bad.text.length), bad.text));
      }
    }
    // One piece as written in the source: its text is the span's (recovery-closed strings keep theirs).
    if (pieces.length === 1 && toks.length === 1 && !toks[0].isInsertedInRecovery && pieces[0].length === tokEndLength(toks[0], this.src.text)) return { kind: 'StringLiteral', value, span };
    return { kind: 'StringLiteral', value, pieces: exact(pieces), span };
  }
}
