/** Terminal and Markdown renderings of a simulation report. */
import { mdEscape } from '../util/escape.js';
import { sanitize } from '../diagnostics/render.js';
import { hostLabel } from './messages.js';
import { cellSummary, type CellReport, type MachineReport, type SimulationReport } from './report.js';
import type { Outcome } from './types.js';
import { outcomeLabels, outcomes } from './types.js';

export const outcomeSymbols: Readonly<Record<Outcome, string>> = { ok: '✓', warn: '!', unsafe: '?', unsupported: '·', fail: '✗' };

const colours: Readonly<Record<Outcome, string>> = { ok: '32', warn: '33', unsafe: '35', unsupported: '2', fail: '31;1' };

/** Most explained cells per machine type in the terminal output. */
export const TEXT_EXPLAIN_LIMIT = 40;

function paint(text: string, o: Outcome, color: boolean): string {
  return color ? `\u001b[${colours[o]}m${text}\u001b[0m` : text;
}

function machineHeading(m: MachineReport): string {
  const bits = [`target ${m.machine.target}`];
  if (m.machine.requiresKernel) bits.push(`requires kernel ${m.machine.requiresKernel}`);
  if (m.machine.hidden.length) bits.push(`${m.machine.hidden.length} hidden`);
  if (m.machine.tolerated.length) bits.push(`${m.machine.tolerated.length} tolerated`);
  if (m.machine.allowedCpus.length) bits.push(`${m.machine.allowedCpus.length} allowed CPUs`);
  return `${m.machine.name} (${bits.join(', ')})`;
}

function countsLine(m: MachineReport): string {
  return outcomes.filter((o) => m.counts[o] > 0).map((o) => `${m.counts[o]} ${o}`).join(', ');
}

export function renderText(r: SimulationReport, opts: { color: boolean }): string {
  const out: string[] = [];
  const H = r.hosts.length;
  const width = String(H).length;
  const nameWidth = Math.max(...r.hosts.map((h) => h.name.length), 6);
  out.push(`Hosts (rows: source, columns: destination; QEMU ${r.options.qemu} for KVM destinations):`);
  r.hosts.forEach((h, i) => out.push(`  ${String(i + 1).padStart(width)}  ${sanitize(hostLabel(h))}`));
  out.push('');
  out.push('Legend: ' + outcomes.map((o) => `${paint(outcomeSymbols[o], o, opts.color)} ${o}`).join('  '));
  for (const m of r.machines) {
    out.push('');
    out.push(sanitize(machineHeading(m)));
    const header = ' '.repeat(nameWidth + width + 3) + r.hosts.map((_, i) => String(i + 1).padStart(width)).join(' ');
    out.push(header);
    m.outcomes.forEach((row, s) => {
      const cells = row.map((o) => paint(outcomeSymbols[o].padStart(width), o, opts.color)).join(' ');
      out.push(`${String(s + 1).padStart(width)} ${sanitize(r.hosts[s].name).padEnd(nameWidth)}  ${cells}`);
    });
    out.push(`  ${countsLine(m)}`);
    const explained = m.cells.filter((c) => c.result.outcome === 'fail' || c.result.outcome === 'unsafe');
    explained.slice(0, TEXT_EXPLAIN_LIMIT).forEach((c) => out.push(...explainText(c, opts.color)));
    if (explained.length > TEXT_EXPLAIN_LIMIT) out.push(`  … ${explained.length - TEXT_EXPLAIN_LIMIT} more failing or unsafe cells (use --format json or html for all)`);
    const warns = m.cells.filter((c) => c.result.outcome === 'warn').length;
    if (warns > 0) out.push(`  ${warns} cell${warns === 1 ? '' : 's'} migrate with warnings: registers missing from the stream keep their reset values (details: --format json/html/markdown)`);
  }
  if (r.policy) out.push('', ...policyText(r));
  return out.join('\n') + '\n';
}

function explainText(c: CellReport, color: boolean): string[] {
  const o = c.result.outcome;
  const lines = [`  ${paint(outcomeSymbols[o], o, color)} ${sanitize(c.source)} → ${sanitize(c.destination)}: ${o === 'fail' ? 'fails' : o === 'unsafe' ? 'passes but unsafe' : o}`];
  for (const l of c.result.lines) lines.push(`      ${sanitize(l)}`);
  for (const n of c.result.notes) lines.push(`    note: ${sanitize(n)}`);
  return lines;
}

function policyText(r: SimulationReport): string[] {
  const p = r.policy!;
  const failed = p.checks.filter((c) => !c.passed);
  const reqs = new Set(p.checks.map((c) => c.requirement));
  const out = [`Policy: ${p.passed ? 'passed' : 'FAILED'} (${reqs.size} requirement${reqs.size === 1 ? '' : 's'}, ${p.checks.length} pairs, ${failed.length} failing)`];
  for (const c of failed) out.push(sanitize(`  ✗ ${c.requirement.text}: ${c.source} → ${c.destination} is ${c.outcome}`));
  return out;
}

/* ------------------------------ Markdown ------------------------------- */


export function renderMarkdown(r: SimulationReport): string {
  const out: string[] = [];
  out.push(`Legend: ${outcomes.map((o) => `${outcomeSymbols[o]} ${mdEscape(outcomeLabels[o])}`).join(' · ')}. Rows: source host; columns: destination host. QEMU ${r.options.qemu} on KVM destinations.`);
  out.push('');
  out.push('| host | accel | kernel / QEMU | CPU (MIDR) | registers |');
  out.push('|---|---|---|---|---|');
  for (const h of r.hosts)
    out.push(`| ${mdEscape(h.name)} | ${h.accel} | ${mdEscape(h.accel === 'kvm' ? `${h.kernel ?? '?'}${h.flavour ? '-' + h.flavour : ''}` : `QEMU ${h.qemu ?? '?'}`)} | ${h.accel === 'kvm' ? `${mdEscape(h.cpu.name ?? '')} 0x${h.cpu.midr.toString(16).padStart(8, '0')}` : '—'} | ${h.regs.length} |`);
  for (const m of r.machines) {
    out.push('', `### ${mdEscape(m.machine.name)}`, '', `${mdEscape(machineHeading(m))}: ${countsLine(m)}.`, '');
    out.push(`| source ↓ / destination → | ${r.hosts.map((h) => mdEscape(h.name)).join(' | ')} |`);
    out.push(`|---|${r.hosts.map(() => ':-:').join('|')}|`);
    m.outcomes.forEach((row, s) => out.push(`| **${mdEscape(r.hosts[s].name)}** | ${row.map((o) => outcomeSymbols[o]).join(' | ')} |`));
    const explained = m.cells.filter((c) => c.result.outcome !== 'ok' && c.result.outcome !== 'unsupported');
    if (explained.length > 0) {
      out.push('', '<details><summary>Explanations</summary>', '');
      for (const c of explained) {
        out.push(`- ${outcomeSymbols[c.result.outcome]} ${mdEscape(cellSummary(c))}`);
        if (c.result.lines.length) {
          out.push('', '  ```', ...c.result.lines.map((l) => `  ${l.replace(/`/g, "'")}`), '  ```', '');
        }
        for (const n of c.result.notes) out.push(`  - ${mdEscape(n)}`);
      }
      out.push('', '</details>');
    }
  }
  if (r.policy) out.push('', ...policyText(r).map((l, i) => (i === 0 ? `**${mdEscape(l)}**` : `- ${mdEscape(l.trim())}`)));
  return out.join('\n') + '\n';
}
