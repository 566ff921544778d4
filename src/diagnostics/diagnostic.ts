import type { Span } from './source.js';

export type Severity = 'error' | 'warning' | 'note';

/** A secondary location that helps explain a diagnostic. */
export interface Label {
  readonly file: string;
  readonly span: Span;
  readonly message: string;
}

/** A text replacement; applying every edit of a fix resolves the diagnostic. */
export interface Edit {
  readonly file: string;
  readonly span: Span;
  readonly text: string;
}

export interface Fix {
  readonly message: string;
  readonly edits: readonly Edit[];
}

/**
 * The one diagnostic model of the whole tool: the parser, the validators, the
 * catalog loader, the build and the simulator all report through it.
 */
export interface Diagnostic {
  /** Stable code, `MTC` followed by four digits. Never reused for another meaning. */
  readonly code: string;
  readonly severity: Severity;
  /** What is wrong, in one sentence, without a trailing period. */
  readonly message: string;
  /** File the primary span is in; absent for diagnostics not tied to a file (usage, I/O). */
  readonly file?: string;
  readonly span?: Span;
  /** Text shown under the caret of the primary span. */
  readonly label?: string;
  readonly labels?: readonly Label[];
  /** How to fix it, in one sentence. */
  readonly help?: string;
  readonly fix?: Fix;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** Stable order: by file, then position, then code. Output must not depend on discovery order. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => {
    const fa = a.file ?? '';
    const fb = b.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const oa = a.span?.start.offset ?? -1;
    const ob = b.span?.start.offset ?? -1;
    if (oa !== ob) return oa - ob;
    if (a.code !== b.code) return a.code < b.code ? -1 : 1;
    if (a.severity !== b.severity) return severityRank[a.severity] - severityRank[b.severity];
    return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
  });
}

/** A diagnostic's file under a prefix (`mtc diff` reports paths relative to the repository). */
export function prefixedPath(prefix: string | undefined, file: string): string {
  return prefix ? `${prefix.replace(/\/+$/, '')}/${file}` : file;
}
