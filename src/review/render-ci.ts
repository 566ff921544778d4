/** `mtc diff --format json | github | sarif`. */
import { githubAnnotations, type Annotation } from '../diagnostics/github.js';
import { sarifLog, type SarifResultInput } from '../diagnostics/sarif.js';
import { reviewCodes } from './codes.js';
import type { DiffReport, Finding, Location } from './report-types.js';
import { countsText, pairsByMachine, treeLabel, verdictText } from './render-text.js';

export function renderJson(r: DiffReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

function locationProps(l: Location | null): Partial<Annotation> {
  if (!l) return {};
  return { file: l.file, line: l.line, column: l.column, ...(l.endLine !== undefined ? { endLine: l.endLine } : {}), ...(l.endColumn !== undefined ? { endColumn: l.endColumn } : {}) };
}

/** A finding as one plain-text message: the message, the machine types and pairs it lists, QEMU's lines. */
export function findingText(f: Finding): string {
  const parts = [f.message];
  if (f.machines.length > 1) parts.push(`Machine types: ${f.machines.join(', ')}`);
  if (f.breaks.length) parts.push(`Newly failing pairs (${f.breaks.length}):`, ...pairsByMachine(f.breaks));
  if (f.fixes.length) parts.push(`Fixed pairs (${f.fixes.length}):`, ...pairsByMachine(f.fixes));
  if (f.qemu.length) parts.push(`QEMU on the destination${f.breaks.length > 1 ? ` (${f.breaks[0]})` : ''}:`, ...f.qemu);
  if (f.waived) parts.push(`Waived: ${f.waived.reason} (${f.waived.file}:${f.waived.line})`);
  return parts.join('\n');
}

/**
 * Workflow commands: findings as annotations (waived ones as notices), the
 * diagnostics of the trees and the config, then the verdict as a notice of
 * its own (kept within the caps).
 */
export function renderGithub(r: DiffReport): string {
  const items: Annotation[] = [];
  for (const d of r.diagnostics)
    items.push({ level: d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice', title: `${d.code} (${d.side})`, message: d.message, ...locationProps(d.location) });
  for (const f of r.findings)
    items.push({
      level: f.waived ? 'notice' : f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice',
      title: `${f.rule} ${f.name}${f.waived ? ' (waived)' : ''}`,
      message: findingText(f),
      ...locationProps(f.location),
    });
  const summary = `mtc diff ${treeLabel(r.base)} → ${treeLabel(r.head)}: ${verdictText(r)}${r.verdict === 'error' ? '' : ` (${countsText(r)})`}`;
  // The verdict line goes first among the notices, so the cap never drops it.
  const notices = items.filter((a) => a.level === 'notice');
  const rest = items.filter((a) => a.level !== 'notice');
  return githubAnnotations([...rest, { level: 'notice', title: 'mtc diff', message: summary }, ...notices], 'Run mtc diff --format text, or see the Markdown comment, for the full report.');
}

function region(l: Location) {
  return { startLine: l.line, startColumn: l.column, ...(l.endLine !== undefined ? { endLine: l.endLine } : {}), ...(l.endColumn !== undefined ? { endColumn: l.endColumn } : {}) };
}

export function renderSarif(r: DiffReport): string {
  const results: SarifResultInput[] = [];
  for (const d of r.diagnostics)
    results.push({
      ruleId: d.code,
      level: d.severity === 'note' ? 'note' : d.severity,
      message: `${d.message} (${d.side})`,
      ...(d.location ? { file: d.location.file, region: region(d.location) } : {}),
    });
  for (const f of r.findings)
    results.push({
      ruleId: f.rule,
      level: f.severity,
      message: findingText(f),
      ...(f.location ? { file: f.location.file, region: region(f.location) } : {}),
      ...(f.waived ? { suppression: { justification: f.waived.reason } } : {}),
      fingerprint: `${f.rule}/${f.machine ?? ''}/${f.subject}`,
      properties: { machine: f.machine, machines: f.machines, subject: f.subject, cause: f.cause, breaks: f.breaks.length, fixes: f.fixes.length },
    });
  const breakingRules = Object.keys(reviewCodes).filter((c) => Number(c.slice(3)) < 5050);
  return sarifLog(results, breakingRules, { verdict: r.verdict, counts: r.counts, base: r.base, head: r.head });
}
