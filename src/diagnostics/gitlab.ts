/**
 * GitLab Code Quality reports (`--format gitlab` of `check`, `build`, and of
 * `diff` through `codeQualityReport`): a JSON array of issues with the fields GitLab documents
 * (https://docs.gitlab.com/ci/testing/code_quality/): `description`,
 * `check_name`, `fingerprint`, `severity` (info, minor, major, critical,
 * blocker) and `location.path` with `location.lines.begin`. Uploaded as a
 * `codequality` report artifact, GitLab shows the issues in the merge
 * request widget and on the changed lines, new ones first.
 *
 * Fingerprints identify an issue across pipelines: GitLab compares the base
 * and head reports by fingerprint to tell new issues from fixed ones. They
 * are built from what the issue is (code, file, message, the text it points
 * at; for diff findings rule, machine type, subject and cause), never from
 * line numbers, so an issue keeps its fingerprint when unrelated lines move;
 * identical issues get an ordinal so that every fingerprint is unique.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic, Severity } from './diagnostic.js';
import { codeName } from './registry.js';
import type { SourceFile } from './source.js';

export type GitlabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface CodeQualityIssue {
  readonly description: string;
  readonly check_name: string;
  readonly fingerprint: string;
  readonly severity: GitlabSeverity;
  readonly location: { readonly path: string; readonly lines: { readonly begin: number; readonly end?: number } };
}

/** One issue before its fingerprint: `identity` is what the issue is, without positions. */
export interface CodeQualityItem {
  readonly checkName: string;
  readonly description: string;
  readonly severity: GitlabSeverity;
  readonly path: string;
  readonly begin: number;
  readonly end?: number;
  /** What the issue is, without positions. */
  readonly identity: readonly string[];
}

/** Path GitLab gets for an issue without a file (a usage or I/O problem): the repository itself. */
export const NO_FILE = '.';

function toIssues(items: readonly CodeQualityItem[]): CodeQualityIssue[] {
  const seen = new Map<string, number>();
  return items.map((it) => {
    const key = it.identity.join('\u0000');
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const fingerprint = createHash('sha256').update(`mtc\u0000${key}\u0000${n}`).digest('hex');
    const lines = it.end !== undefined && it.end > it.begin ? { begin: it.begin, end: it.end } : { begin: it.begin };
    return { description: it.description, check_name: it.checkName, fingerprint, severity: it.severity, location: { path: it.path, lines } };
  });
}

/** The report: the items with their fingerprints, as GitLab reads it. */
export function codeQualityReport(items: readonly CodeQualityItem[]): string {
  return JSON.stringify(toIssues(items), null, 2) + '\n';
}

/** Diagnostics: an error is `major`, a warning `minor`, a note `info`. */
export const diagnosticSeverity: Readonly<Record<Severity, GitlabSeverity>> = { error: 'major', warning: 'minor', note: 'info' };

/** `MTC1001 name`, GitLab's check name of a code. */
export function checkName(code: string): string {
  const name = codeName(code);
  return name ? `${code} ${name}` : code;
}

/** The text a span covers, whitespace collapsed (part of the fingerprint: what the issue points at). */
function spannedText(d: Diagnostic, sources: ReadonlyMap<string, SourceFile>): string {
  if (!d.file || !d.span) return '';
  const src = sources.get(d.file);
  if (!src) return '';
  return src.text.slice(d.span.start.offset, Math.min(d.span.end.offset, d.span.start.offset + 400)).replace(/\s+/g, ' ').trim();
}

export function diagnosticsToGitlab(diags: readonly Diagnostic[], sources: ReadonlyMap<string, SourceFile> = new Map()): string {
  return codeQualityReport(
      diags.map((d) => ({
        checkName: checkName(d.code),
        description: d.help ? `${d.message} (help: ${d.help})` : d.message,
        severity: diagnosticSeverity[d.severity],
        path: d.file ?? NO_FILE,
        begin: d.span?.start.line ?? 1,
        ...(d.span ? { end: d.span.end.line } : {}),
        identity: ['diagnostic', d.code, d.file ?? '', d.message, spannedText(d, sources)],
      })),
  );
}

