/** `mtc diff` text output (also the body of the Markdown comment's sections). */
import { sanitize } from '../diagnostics/render.js';
import type { Cause, Change, DiffReport, Finding, Location, PairChange } from './report-types.js';

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
    `${c.changes} change${c.changes === 1 ? '' : 's'} from ${c.causes} rule change${c.causes === 1 ? '' : 's'} in ${c.machinesChanged + c.machinesAdded + c.machinesRemoved} machine type${c.machinesChanged + c.machinesAdded + c.machinesRemoved === 1 ? '' : 's'}`,
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

/** The summaries of the causes that explain a pair (`virt-10.2: KVM_REG_… newly hidden`). */
export function causeSummaries(r: DiffReport, p: PairChange): string {
  return p.causes.map((id) => r.causes.find((k) => k.id === id)?.summary ?? id).join('; ');
}

/** `machine: src → dst` references grouped by machine type: `virt-10.1: a → b, c → d`, one line each. */
export function pairsByMachine(refs: readonly string[]): string[] {
  const out = new Map<string, string[]>();
  for (const r of refs) {
    const i = r.indexOf(': ');
    const m = r.slice(0, i);
    out.set(m, [...(out.get(m) ?? []), r.slice(i + 2)]);
  }
  return [...out].map(([m, ps]) => `${m}: ${ps.join(', ')}`);
}

/** Which machine types a cause reaches and how: `virt-10.1 (released), virt-10.0 (released, inherits it)`. */
export function causeMachines(k: Cause): string {
  return k.machines
    .map((m) => {
      const tags = [k.released.includes(m) ? 'released' : '', m !== k.origin && k.kind !== 'chain-changed' && k.kind !== 'target-changed' ? 'inherits it' : ''].filter(Boolean);
      return tags.length ? `${m} (${tags.join(', ')})` : m;
    })
    .join(', ');
}

/** `breaks 42 pairs, fixes 2 pairs`, or ''. */
export function causePairs(k: Cause): string {
  const n = (x: number, w: string) => `${w} ${x} pair${x === 1 ? '' : 's'}`;
  return [k.breaks.length ? n(k.breaks.length, 'breaks') : '', k.fixes.length ? n(k.fixes.length, 'fixes') : '', k.unsupports.length ? `makes ${k.unsupports.length} pair${k.unsupports.length === 1 ? '' : 's'} unsupported` : '']
    .filter(Boolean)
    .join(', ');
}

/**
 * Pairs with QEMU's lines, each distinct set of lines printed once and
 * numbered (`[QEMU #1]`), so that one cause failing 40 pairs the same way does
 * not repeat the same four lines 40 times.
 */
export function pairsWithLines(pairs: readonly PairChange[], head: (p: PairChange) => string, lines: (qemu: readonly string[]) => string[]): string[] {
  const out: string[] = [];
  const sets = new Map<string, number>();
  for (const p of pairs) {
    if (p.qemu.length === 0) {
      out.push(head(p));
      continue;
    }
    const key = p.qemu.join('\n');
    const n = sets.get(key);
    out.push(`${head(p)}  [QEMU #${n ?? sets.size + 1}]`);
    if (n === undefined) {
      sets.set(key, sets.size + 1);
      out.push(...lines(p.qemu));
    }
  }
  return out;
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
    for (const m of changedMachines) out.push(`  ${s(m.name)}${m.released ? ' (released)' : ''}: ${m.status}, ${m.changes} change${m.changes === 1 ? '' : 's'}`);
  }

  if (r.causes.length) {
    out.push('', `Rule changes (${r.causes.length}), each with the machine types it reaches:`);
    for (const k of r.causes) {
      out.push(`  ${s(k.summary)}${k.location ? `  (${s(where(k.location))})` : ''}`);
      out.push(`      machine types: ${s(causeMachines(k))}`);
      for (const e of k.effects) out.push(`      - ${s(e)}`);
      const pairs = causePairs(k);
      if (pairs) out.push(`      ${pairs}`);
    }
  }

  if (r.findings.length) {
    out.push('', 'Findings (one per rule change):');
    for (const f of r.findings) {
      out.push(`  ${findingHead(f)}${f.location ? ' ' + s(where(f.location)) : ''}: ${s(f.message)}`);
      for (const [what, list] of [['newly failing pairs', f.breaks], ['fixed pairs', f.fixes]] as const) {
        if (list.length === 0) continue;
        out.push(`      ${what} (${list.length}):`);
        for (const l of pairsByMachine(list)) out.push(`        ${s(l)}`);
      }
      if (f.qemu.length) {
        out.push(`      QEMU on the destination${f.breaks.length > 1 ? ` (${f.breaks[0]})` : ''}:`);
        for (const l of f.qemu) out.push(`      | ${s(l)}`);
      }
      if (f.waived) out.push(`      waived: ${s(f.waived.reason)} (${s(f.waived.file)}:${f.waived.line})`);
    }
  }

  if (r.matrix) {
    const m = r.matrix;
    out.push(
      '',
      `Migration matrix (${m.hosts.length} hosts, ${m.machines.length} machine types, ${m.cells} pairs, QEMU ${m.qemu}): ${m.newlyFailing.length} newly fail, ${m.newlyPassing.length} newly pass, ${m.newlyUnsupported.length} newly unsupported`,
    );
    out.push(...pairsWithLines(m.newlyFailing, (p) => `  FAIL  ${s(pairLine(p))}`, (q) => q.map((l) => `      | ${s(l)}`)));
    for (const p of m.newlyPassing) out.push(`  FIXED ${s(pairLine(p))}${p.causes.length ? ` (by ${s(causeSummaries(r, p))})` : ''}`);
    for (const p of m.newlyUnsupported) out.push(`  UNSUPPORTED ${s(pairLine(p))}`);
  }

  if (r.generated.length) {
    out.push('', `Generated C (${r.generated.length} file${r.generated.length === 1 ? '' : 's'}):`);
    for (const g of r.generated) out.push(...g.diff.replace(/\n$/, '').split('\n').map(s));
  }
  return out.join('\n') + '\n';
}
