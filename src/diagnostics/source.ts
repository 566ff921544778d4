/**
 * Source text and positions. Offsets are UTF-16 code unit indexes into the
 * text (what JavaScript strings use, and what SARIF calls utf16CodeUnits).
 * Lines and columns are 1-based. Every span is end-exclusive.
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

export class SourceFile {
  /** Offsets at which each line starts; lineStarts[0] === 0. */
  private readonly lineStarts: number[];

  constructor(
    /** Path as shown to the user (relative to the project root when possible). */
    readonly path: string,
    readonly text: string,
  ) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) starts.push(i + 1);
      else if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Line index of the last lookup: the parser asks in source order, so most lookups hit it or the next line. */
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
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    this.lastLine = lo;
    return { offset: o, line: lo + 1, column: o - this.lineStarts[lo] + 1 };
  }

  /** A span from a start offset to an end offset (exclusive). */
  span(start: number, end: number): Span {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** The text of a 1-based line, without its line terminator. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line];
    let end = next === undefined ? this.text.length : next;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(start, end);
  }
}

export function spanText(file: SourceFile, span: Span): string {
  return file.text.slice(span.start.offset, span.end.offset);
}
