/**
 * Source text and positions. Offsets are UTF-16 code unit indexes into the
 * text (what JavaScript strings use, and what SARIF calls utf16CodeUnits).
 * Lines and columns are 1-based. Every span is end-exclusive.
 *
 * A span made by a SourceFile holds only its two offsets: line and column are
 * computed when someone asks (a diagnostic, the build document), never while
 * parsing, and the file's line table is built on the first such question.
 */

export interface Position {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface Span {
  readonly start: Position;
  readonly end: Position;
}

/** A span as two offsets into one file; `start` and `end` are computed on demand. */
export class OffsetSpan implements Span {
  readonly #file: SourceFile;
  constructor(
    file: SourceFile,
    readonly startOffset: number,
    readonly endOffset: number,
  ) {
    this.#file = file;
  }
  get start(): Position {
    return this.#file.position(this.startOffset);
  }
  get end(): Position {
    return this.#file.position(this.endOffset);
  }
  toJSON(): { start: Position; end: Position } {
    return { start: this.start, end: this.end };
  }
}

/** Start offset of any span, without computing its line. */
export function spanStart(span: Span): number {
  return span instanceof OffsetSpan ? span.startOffset : span.start.offset;
}

/** End offset of any span, without computing its line. */
export function spanEnd(span: Span): number {
  return span instanceof OffsetSpan ? span.endOffset : span.end.offset;
}

export class SourceFile {
  /** Offsets at which each line starts; lineStarts[0] === 0. Built on first use. */
  #lineStarts: number[] | undefined;

  constructor(
    /** Path as shown to the user (relative to the project root when possible). */
    readonly path: string,
    readonly text: string,
  ) {}

  private get lineStarts(): number[] {
    let starts = this.#lineStarts;
    if (starts) return starts;
    starts = [0];
    const text = this.text;
    if (text.indexOf('\r') < 0) {
      // The usual case: indexOf finds line ends far faster than a loop over every character.
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10 /* \n */) starts.push(i + 1);
        else if (c === 13 /* \r */) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.#lineStarts = starts;
    return starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Line index of the last lookup: lookups mostly come in source order, so most hit it or the next line. */
  private lastLine = 0;

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lineStarts;
    const last = this.lastLine;
    if (starts[last] <= o) {
      if (last + 1 >= starts.length || o < starts[last + 1]) return { offset: o, line: last + 1, column: o - starts[last] + 1 };
      if (last + 2 >= starts.length || o < starts[last + 2]) {
        this.lastLine = last + 1;
        return { offset: o, line: last + 2, column: o - starts[last + 1] + 1 };
      }
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    this.lastLine = lo;
    return { offset: o, line: lo + 1, column: o - starts[lo] + 1 };
  }

  /** A span from a start offset to an end offset (exclusive); line and column are computed when asked. */
  span(start: number, end: number): OffsetSpan {
    const len = this.text.length;
    const s = start < 0 ? 0 : start > len ? len : start;
    const e0 = end < s ? s : end;
    return new OffsetSpan(this, s, e0 > len ? len : e0);
  }

  /** The text of a 1-based line, without its line terminator. */
  lineText(line: number): string {
    const starts = this.lineStarts;
    const start = starts[line - 1];
    if (start === undefined) return '';
    const next = starts[line];
    let end = next === undefined ? this.text.length : next;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(start, end);
  }
}

export function spanText(file: SourceFile, span: Span): string {
  return file.text.slice(spanStart(span), spanEnd(span));
}
