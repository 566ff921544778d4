import type { Diagnostic, Label, Severity } from './diagnostic.js';
import type { SourceFile, Span } from './source.js';

export interface RenderOptions {
  /** ANSI colour; callers decide (TTY and no NO_COLOR). */
  readonly color: boolean;
  /** Resolves a diagnostic's file to its text, for code frames. */
  readonly sources: ReadonlyMap<string, SourceFile>;
}

const ansi = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
  cyan: '\u001b[36m',
  green: '\u001b[32m',
};

const severityColour: Record<Severity, string> = { error: ansi.red, warning: ansi.yellow, note: ansi.cyan };

/**
 * Characters that would move the cursor, hide text or reorder it on a terminal
 * (C0/C1 controls, bidi overrides and isolates, zero-width marks). Rule files
 * come from untrusted pull requests, so the code frame shows them escaped.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

/** Display form of one UTF-16 unit or pair, and its width in columns. */
function displayChar(ch: string): string {
  if (ch === '\t') return '    ';
  if (UNSAFE.test(ch)) return `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;
  return ch;
}

/** Makes any message text safe for a terminal (no escape sequences from input). */
export function sanitize(text: string): string {
  let out = '';
  for (const ch of text) out += ch === '\n' ? ' ' : displayChar(ch);
  return out;
}

interface LineDisplay {
  readonly text: string;
  /** Display column (0-based) at which a UTF-16 offset of the line starts (clamped to the shown part). */
  col(offset: number): number;
}

/** Longest stretch of a source line shown in a code frame; longer lines are cut around the marks. */
const MAX_SHOWN = 160;

/**
 * Display text of `line[from, to)`, with `...` on a side that is cut. Work is
 * proportional to the shown part only, however long the line.
 */
function displayLine(line: string, from = 0, to = line.length): LineDisplay {
  let text = from > 0 ? '...' : '';
  const columns: number[] = new Array(to - from + 1);
  let col = text.length;
  for (let i = from; i < to; ) {
    const cp = line.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const shown = displayChar(line.slice(i, i + len));
    for (let k = 0; k < len && i + k < to; k++) columns[i + k - from] = col;
    text += shown;
    col += [...shown].length;
    i += len;
  }
  columns[to - from] = col;
  if (to < line.length) text += '...';
  const first = columns[0] ?? 0;
  return { text, col: (offset) => (offset <= from ? first : offset >= to ? col : columns[offset - from]) };
}

interface Mark {
  readonly span: Span;
  readonly message: string;
  readonly primary: boolean;
}

function paint(s: string, colour: string, on: boolean): string {
  return on ? `${colour}${s}${ansi.reset}` : s;
}

function frame(file: SourceFile, marks: Mark[], gutter: number, sev: Severity, color: boolean): string[] {
  const out: string[] = [];
  const pad = ' '.repeat(gutter);
  const bar = paint('|', ansi.blue, color);
  out.push(`${pad} ${bar}`);
  const lines = [...new Set(marks.map((m) => m.span.start.line))].sort((a, b) => a - b);
  let prev = 0;
  for (const line of lines) {
    if (prev && line > prev + 1) out.push(paint('...', ansi.blue, color));
    prev = line;
    const raw = file.lineText(line);
    const onLine = marks.filter((mk) => mk.span.start.line === line);
    // A long line (a minified or binary file) is shown around its marks only, so that rendering
    // stays linear in the number of diagnostics.
    let from = 0;
    let to = raw.length;
    if (raw.length > MAX_SHOWN) {
      const first = Math.min(...onLine.map((mk) => mk.span.start.column - 1));
      from = Math.max(0, first - 40);
      to = Math.min(raw.length, from + MAX_SHOWN);
    }
    const disp = displayLine(raw, from, to);
    out.push(`${paint(String(line).padStart(gutter), ansi.blue, color)} ${bar} ${disp.text}`);
    for (const m of onLine) {
      const startCol = disp.col(Math.min(m.span.start.column - 1, raw.length));
      // A span running past this line is underlined to the end of the line.
      const endOffsetInLine =
        m.span.end.line === line ? Math.min(m.span.end.column - 1, raw.length) : raw.length;
      const endCol = Math.max(startCol, disp.col(endOffsetInLine));
      const width = Math.max(1, endCol - startCol);
      const glyph = m.primary ? '^' : '-';
      const colour = m.primary ? severityColour[sev] : ansi.blue;
      const text = m.message ? ` ${sanitize(m.message)}` : '';
      out.push(`${pad} ${bar} ${' '.repeat(startCol)}${paint(glyph.repeat(width) + text, colour, color)}`);
    }
  }
  return out;
}

/** rustc-style rendering: header, location, code frame with carets, labels, help. */
export function renderHuman(d: Diagnostic, opts: RenderOptions): string {
  const { color } = opts;
  const sevText = paint(`${d.severity}[${d.code}]`, severityColour[d.severity] + (color ? ansi.bold : ''), color);
  const out: string[] = [`${sevText}${paint(`: ${sanitize(d.message)}`, color ? ansi.bold : '', color)}`];
  const labels: readonly Label[] = d.labels ?? [];
  const allLines = [d.span?.start.line ?? 0, ...labels.map((l) => l.span.start.line)];
  const gutter = Math.max(1, ...allLines.map((n) => String(n).length));
  const pad = ' '.repeat(gutter);
  if (d.file && d.span) {
    out.push(`${pad}${paint('-->', ansi.blue, color)} ${sanitize(d.file)}:${d.span.start.line}:${d.span.start.column}`);
    const src = opts.sources.get(d.file);
    const sameFile = labels.filter((l) => l.file === d.file);
    if (src) {
      out.push(
        ...frame(
          src,
          [
            { span: d.span, message: d.label ?? '', primary: true },
            ...sameFile.map((l) => ({ span: l.span, message: l.message, primary: false })),
          ],
          gutter,
          d.severity,
          color,
        ),
      );
    }
    for (const l of labels.filter((lb) => lb.file !== d.file)) {
      out.push(`${pad}${paint(':::', ansi.blue, color)} ${sanitize(l.file)}:${l.span.start.line}:${l.span.start.column}`);
      const other = opts.sources.get(l.file);
      if (other) out.push(...frame(other, [{ span: l.span, message: l.message, primary: false }], gutter, d.severity, color));
    }
  } else if (d.file) {
    out.push(`${pad}${paint('-->', ansi.blue, color)} ${sanitize(d.file)}`);
  }
  if (d.help) out.push(`${pad} ${paint('=', ansi.blue, color)} ${paint('help', color ? ansi.bold : '', color)}: ${sanitize(d.help)}`);
  if (d.fix && d.fix.edits.length > 0) {
    out.push(`${pad} ${paint('=', ansi.blue, color)} ${paint('fix', color ? ansi.green : '', color)}: ${sanitize(d.fix.message)}`);
  }
  return out.join('\n');
}

/**
 * The closing pointer to the code documentation, after human-readable
 * diagnostics: `mtc explain CODE` prints what docs/diagnostics.md says about
 * a code. Empty when nothing was printed.
 */
/**
 * One diagnostic on one line, `severity[CODE]: file:line:column: message`,
 * neutralised for the terminal: for the inputs a command loads before its own
 * work (catalogs, histories), where a code frame would say no more.
 */
export function renderOneLine(d: Diagnostic): string {
  const at = d.span ? `:${d.span.start.line}:${d.span.start.column}` : '';
  return `${d.severity}[${d.code}]: ${sanitize(d.file ?? '')}${at}: ${sanitize(d.message)}`;
}

/** The closing pointer to `mtc explain`, for runs with errors or warnings (notes alone do not need it). */
export function explainHint(diags: readonly Diagnostic[]): string {
  const first = diags.find((d) => d.severity === 'error') ?? diags.find((d) => d.severity === 'warning');
  if (!first) return '';
  return `For more about a code, run \`mtc explain ${first.code}\` (\`mtc codes\` lists them all).`;
}

export function summaryLine(diags: readonly Diagnostic[], files: number): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const warnings = diags.filter((d) => d.severity === 'warning').length;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(files, 'file')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** The JSON shape of `--format json`; versioned like every document mtc writes. */
export function renderJson(diags: readonly Diagnostic[]): string {
  return JSON.stringify({ format: 'mtc-diagnostics', version: 1, diagnostics: diags }, null, 2) + '\n';
}

export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR === '1') return true;
  return Boolean(stream.isTTY);
}
