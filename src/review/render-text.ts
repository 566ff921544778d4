/** `mtc diff` text output (also the body of the Markdown comment's sections). */
import { sanitize } from '../diagnostics/render.js';
import type { Change, DiffReport, Finding, Location, PairChange } from './report-types.js';

export function where(l: Location | null): string {
  if (!l) return '';
  return `${l.file}:${l.line}:${l.column}`;
}

export function treeLabel(t: DiffReport['base']): string {
  if (t.kind === 'worktree') return 'working tree';
  if (t.kind === 'git' && t.commit) return `${t.spec} (${t.commit.slice(0, 12)})`;
  return t.spec;
}

export function verdictText(r: DiffReport): string {
  switch (r.verdict) {
    case 'breaking':
      return `BREAKING: ${r.counts.breaking} breaking change${r.counts.breaking === 1 ? '' : 's'}`;
    case 'compatible':
      return 'no breaking changes';
    case 'no-changes':
      return 'no semantic changes';
    default:
      return 'error: the trees could not be compared';
  }
}

export function countsText(r: DiffReport): string {
  const c = r.counts;
  return [
    `${c.breaking} breaking`,
    `${c.waived} waived`,
    `${c.warnings} warning${c.warnings === 1 ? '' : 's'}`,
    `${c.fixes} fixed pair${c.fixes === 1 ? '' : 's'}`,
    `${c.changes} change${c.changes === 1 ? '' : 's'} in ${c.machinesChanged + c.machinesAdded + c.machinesRemoved} machine type${c.machinesChanged + c.machinesAdded + c.machinesRemoved === 1 ? '' : 's'}`,
  ].join(', ');
}

export function findingHead(f: Finding): string {
  const sev = f.waived ? 'waived' : f.severity;
  return `${sev}[${f.rule} ${f.name}]`;
}

export function changeLine(c: Change): string {
  const extra = [c.fixes.length ? `fixes ${c.fixes.length} pair${c.fixes.length === 1 ? '' : 's'}` : '', c.breaks.length ? `breaks ${c.breaks.length} pair${c.breaks.length === 1 ? '' : 's'}` : '']
    .filter(Boolean)
    .join(', ');
  return `${c.summary}${extra ? ` [${extra}]` : ''}`;
}

export function pairLine(p: PairChange): string {
  return `${p.machine}: ${p.source} → ${p.destination}: ${p.before} → ${p.after}`;
}

export function renderText(r: DiffReport): string {
  const out: string[] = [];
  const s = sanitize;
  out.push(`mtc diff ${s(treeLabel(r.base))} → ${s(treeLabel(r.head))}: ${verdictText(r)}`);
  if (r.verdict !== 'error') out.push(countsText(r));
  if (r.released.length) out.push(`released: ${r.released.map(s).join(', ')}`);

  const diagErrors = r.diagnostics;
  if (diagErrors.length) {
    out.push('', 'Diagnostics:');
    for (const d of diagErrors) out.push(`  ${d.severity}[${d.code}] (${d.side})${d.location ? ' ' + s(where(d.location)) : ''}: ${s(d.message)}`);
  }

  const changedMachines = r.machines.filter((m) => m.status !== 'unchanged');
  if (changedMachines.length) {
    out.push('', 'Machine types:');
    for (const m of changedMachines) {
      out.push(`  ${s(m.name)}${m.released ? ' (released)' : ''}: ${m.status}, ${m.changes} change${m.changes === 1 ? '' : 's'}`);
      for (const c of r.changes.filter((c) => c.machine === m.name)) out.push(`    - ${s(changeLine(c))}${c.location ? `  (${s(where(c.location))})` : ''}`);
    }
  }

  if (r.findings.length) {
    out.push('', 'Findings:');
    for (const f of r.findings) {
      out.push(`  ${findingHead(f)}${f.location ? ' ' + s(where(f.location)) : ''}: ${s(f.message)}`);
      for (const l of f.qemu) out.push(`      | ${s(l)}`);
      if (f.waived) out.push(`      waived: ${s(f.waived.reason)} (${s(f.waived.file)}:${f.waived.line})`);
    }
  }

  if (r.matrix) {
    const m = r.matrix;
    out.push(
      '',
      `Migration matrix (${m.hosts.length} hosts, ${m.machines.length} machine types, ${m.cells} pairs, QEMU ${m.qemu} destinations): ${m.newlyFailing.length} newly fail, ${m.newlyPassing.length} newly pass, ${m.newlyUnsupported.length} newly unsupported`,
    );
    for (const p of m.newlyFailing) {
      out.push(`  FAIL  ${s(pairLine(p))}`);
      for (const l of p.qemu) out.push(`      | ${s(l)}`);
    }
    for (const p of m.newlyPassing) out.push(`  FIXED ${s(pairLine(p))}${p.causes.length ? ` (by ${s(p.causes.join(', '))})` : ''}`);
    for (const p of m.newlyUnsupported) out.push(`  UNSUPPORTED ${s(pairLine(p))}`);
  }

  if (r.generated.length) {
    out.push('', `Generated C (${r.generated.length} file${r.generated.length === 1 ? '' : 's'}):`);
    for (const g of r.generated) out.push(...g.diff.replace(/\n$/, '').split('\n').map(s));
  }
  return out.join('\n') + '\n';
}
