/**
 * `mtc diff --format gitlab`: the report's diagnostics and findings as a
 * GitLab Code Quality report (src/diagnostics/gitlab.ts writes it; see there
 * for the fields and fingerprints).
 */
import { checkName, codeQualityReport, diagnosticSeverity, NO_FILE, type CodeQualityItem, type GitlabSeverity } from '../diagnostics/gitlab.js';
import type { DiffReport, Finding } from './report-types.js';

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
  const items: CodeQualityItem[] = [];
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
  return codeQualityReport(items);
}
