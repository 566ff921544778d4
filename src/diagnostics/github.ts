/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`) for
 * diagnostics, with the escaping of @actions/core (data: `%` `\r` `\n`;
 * properties also `:` and `,`) and GitHub's per-step caps (10 errors, 10
 * warnings, 10 notices are shown; the rest is summarised by one overflow
 * notice). `mtc diff` renders its findings through the same annotations.
 *
 * May import: ./diagnostic, ./registry.
 */
import { prefixedPath, type Diagnostic } from './diagnostic.js';
import { codeName } from './registry.js';

/** Escapes the message of a workflow command. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value of a workflow command. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  readonly level: AnnotationLevel;
  readonly message: string;
  readonly title?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

/** GitHub shows at most this many annotations of each level per step. */
export const GITHUB_ANNOTATION_CAP = 10;

export function workflowCommand(a: Annotation): string {
  const props: string[] = [];
  if (a.file !== undefined) props.push(`file=${escapeProperty(a.file)}`);
  if (a.line !== undefined) props.push(`line=${a.line}`);
  // Columns only mean something on one line; GitHub ignores them otherwise.
  const oneLine = a.endLine === undefined || a.endLine === a.line;
  if (a.column !== undefined && oneLine) props.push(`col=${a.column}`);
  if (a.endLine !== undefined) props.push(`endLine=${a.endLine}`);
  if (a.endColumn !== undefined && oneLine && a.column !== undefined) props.push(`endColumn=${a.endColumn}`);
  if (a.title !== undefined) props.push(`title=${escapeProperty(a.title)}`);
  return `::${a.level}${props.length ? ' ' + props.join(',') : ''}::${escapeData(a.message)}`;
}

/**
 * Workflow commands for a list of annotations, most severe first, capped
 * per level; when any are dropped, the last notice says how many and where
 * to find them (so notices are capped one lower).
 */
export function githubAnnotations(items: readonly Annotation[], overflowHint: string): string {
  const byLevel: Record<AnnotationLevel, Annotation[]> = { error: [], warning: [], notice: [] };
  for (const a of items) byLevel[a.level].push(a);
  const dropped: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const anyOverflow =
    byLevel.error.length > GITHUB_ANNOTATION_CAP || byLevel.warning.length > GITHUB_ANNOTATION_CAP || byLevel.notice.length > GITHUB_ANNOTATION_CAP - 1;
  const lines: string[] = [];
  for (const level of ['error', 'warning', 'notice'] as const) {
    const cap = level === 'notice' && anyOverflow ? GITHUB_ANNOTATION_CAP - 1 : GITHUB_ANNOTATION_CAP;
    const list = byLevel[level];
    for (const a of list.slice(0, cap)) lines.push(workflowCommand(a));
    dropped[level] = Math.max(0, list.length - cap);
  }
  if (anyOverflow && dropped.error + dropped.warning + dropped.notice > 0) {
    const parts = (['error', 'warning', 'notice'] as const).filter((l) => dropped[l] > 0).map((l) => `${dropped[l]} ${l}${dropped[l] === 1 ? '' : 's'}`);
    lines.push(
      workflowCommand({
        level: 'notice',
        title: 'mtc: more annotations than GitHub shows',
        message: `${parts.join(', ')} not shown as annotations (GitHub shows ${GITHUB_ANNOTATION_CAP} of each kind per step). ${overflowHint}`,
      }),
    );
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

function levelOf(severity: Diagnostic['severity']): AnnotationLevel {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'notice';
}

/** Paths of diagnostics are relative to the project root; `prefix` makes them repository-relative. */
/** `mtc check --format github`. */
export function diagnosticsToGithub(diags: readonly Diagnostic[], opts: { prefix?: string } = {}): string {
  const sorted = [...diags].sort((a, b) => rank(a.severity) - rank(b.severity));
  return githubAnnotations(
    sorted.map((d) => {
      const msg = d.help ? `${d.message}\nhelp: ${d.help}` : d.message;
      const a: Annotation = {
        level: levelOf(d.severity),
        title: `${d.code}${codeName(d.code) ? ' ' + codeName(d.code) : ''}`,
        message: msg,
        ...(d.file !== undefined ? { file: prefixedPath(opts.prefix, d.file) } : {}),
        ...(d.span
          ? { line: d.span.start.line, column: d.span.start.column, endLine: d.span.end.line, endColumn: d.span.end.column }
          : d.file !== undefined
            ? { line: 1 }
            : {}),
      };
      return a;
    }),
    'Run mtc check locally, or use --format human, for the full list.',
  );
}

function rank(s: Diagnostic['severity']): number {
  return s === 'error' ? 0 : s === 'warning' ? 1 : 2;
}

