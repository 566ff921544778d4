/**
 * GitLab Code Quality reports (`--format gitlab` of `check`, `build` and
 * `diff`): a JSON array of issues with the fields GitLab documents
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
import type { Diagnostic, Severity } from '../diagnostics/diagnostic.js';
import { allCodes } from '../diagnostics/registry.js';
import type { SourceFile } from '../syntax/source.js';
import type { DiffReport, Finding } from './report-types.js';

export type GitlabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface CodeQualityIssue {
  readonly description: string;
  readonly check_name: string;
  readonly fingerprint: string;
  readonly severity: GitlabSeverity;
  readonly location: { readonly path: string; readonly lines: { readonly begin: number; readonly end?: number } };
}

interface Item {
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

function toIssues(items: readonly Item[]): CodeQualityIssue[] {
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

function render(issues: readonly CodeQualityIssue[]): string {
  return JSON.stringify(issues, null, 2) + '\n';
}

/** Diagnostics: an error is `major`, a warning `minor`, a note `info`. */
export const diagnosticSeverity: Readonly<Record<Severity, GitlabSeverity>> = { error: 'major', warning: 'minor', note: 'info' };

let names: Map<string, string> | undefined;
function checkName(code: string): string {
  names ??= new Map(allCodes().map((c) => [c.code, c.name]));
  const name = names.get(code);
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
  return render(
    toIssues(
      diags.map((d) => ({
        checkName: checkName(d.code),
        description: d.help ? `${d.message} (help: ${d.help})` : d.message,
        severity: diagnosticSeverity[d.severity],
        path: d.file ?? NO_FILE,
        begin: d.span?.start.line ?? 1,
        ...(d.span ? { end: d.span.end.line } : {}),
        identity: ['diagnostic', d.code, d.file ?? '', d.message, spannedText(d, sources)],
      })),
    ),
  );
}

/** Diff findings: a breaking change is `critical`, a warning `minor`, a note or a waived finding `info`. */
export function findingSeverity(f: Finding): GitlabSeverity {
  if (f.waived) return 'info';
  return f.severity === 'error' ? 'critical' : f.severity === 'warning' ? 'minor' : 'info';
}

function findingDescription(f: Finding): string {
  const parts = [f.message];
  if (f.breaks.length) parts.push(`newly failing: ${f.breaks.slice(0, 6).join('; ')}${f.breaks.length > 6 ? `; and ${f.breaks.length - 6} more` : ''}`);
  if (f.qemu.length) parts.push(`QEMU: ${f.qemu.find((l) => /Invalid value|Unexpected register|Could not set/.test(l)) ?? f.qemu[0]}`);
  if (f.waived) parts.push(`waived: ${f.waived.reason} (${f.waived.file}:${f.waived.line})`);
  return parts.join('. ');
}

export function renderGitlab(r: DiffReport): string {
  const items: Item[] = [];
  for (const d of r.diagnostics)
    items.push({
      checkName: checkName(d.code),
      description: `${d.message} (${d.side})`,
      severity: diagnosticSeverity[d.severity],
      path: d.location?.file ?? NO_FILE,
      begin: d.location?.line ?? 1,
      ...(d.location?.endLine !== undefined ? { end: d.location.endLine } : {}),
      identity: ['diff-diagnostic', d.code, d.side, d.location?.file ?? '', d.message],
    });
  for (const f of r.findings)
    items.push({
      checkName: `${f.rule} ${f.name}`,
      description: findingDescription(f),
      severity: findingSeverity(f),
      path: f.location?.file ?? NO_FILE,
      begin: f.location?.line ?? 1,
      ...(f.location?.endLine !== undefined ? { end: f.location.endLine } : {}),
      identity: ['finding', f.rule, f.machine ?? '', f.subject, f.cause ?? ''],
    });
  return render(toIssues(items));
}
