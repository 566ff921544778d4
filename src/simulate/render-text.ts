/** Terminal and Markdown renderings of a simulation report. */
import { mdEscape } from '../util/escape.js';
import { sanitize } from '../diagnostics/render.js';
import { hostLabel } from './messages.js';
import { cellSummary, MAX_EXPLAINED_CELLS, type CellReport, type MachineReport, type SimulationReport } from './report.js';
import type { Outcome } from './types.js';
import { outcomeLabels, outcomes } from './types.js';

export const outcomeSymbols: Readonly<Record<Outcome, string>> = { ok: '✓', warn: '!', dropped: '~', unsafe: '?', bug: 'B', unsupported: '·', fail: '✗' };

const colours: Readonly<Record<Outcome, string>> = { ok: '32', warn: '33', dropped: '33;1', unsafe: '35', bug: '35;1', unsupported: '2', fail: '31;1' };

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
  return [...textChunks(r, opts)].join('');
}

/** The terminal matrix, line by line as it is needed (a fleet's matrix is never one string). */
export function* textChunks(r: SimulationReport, opts: { color: boolean }): Generator<string> {
  const line = (t: string) => t + '\n';
  const H = r.hosts.length;
  const width = String(H).length;
  const nameWidth = Math.max(...r.hosts.map((h) => sanitize(h.name).length), 6);
  yield line(`Hosts (rows: source, columns: destination; QEMU ${r.options.from.id} on KVM sources, ${r.options.to.id} on KVM destinations; TCG hosts run their own):`);
  for (let i = 0; i < r.hosts.length; i++) yield line(`  ${String(i + 1).padStart(width)}  ${sanitize(hostLabel(r.hosts[i]))}`);
  yield line('');
  yield line('Legend: ' + outcomes.map((o) => `${paint(outcomeSymbols[o], o, opts.color)} ${o}`).join('  '));
  for (const m of r.machines) {
    yield line('');
    yield line(sanitize(machineHeading(m)));
    yield line(' '.repeat(nameWidth + width + 3) + r.hosts.map((_, i) => String(i + 1).padStart(width)).join(' '));
    for (let s = 0; s < H; s++) {
      const cells: string[] = [];
      for (let d = 0; d < H; d++) {
        const o = m.outcome(s, d);
        cells.push(paint(outcomeSymbols[o].padStart(width), o, opts.color));
      }
      yield line(`${String(s + 1).padStart(width)} ${sanitize(r.hosts[s].name).padEnd(nameWidth)}  ${cells.join(' ')}`);
    }
    yield line(`  ${countsLine(m)}`);
    // Explained: every cell a maintainer must act on, including passes that lose a value or hold by a QEMU bug.
    const failing = m.counts.fail + m.counts.unsafe + m.counts.dropped + m.counts.bug;
    for (const c of m.explained({ filter: (o) => o === 'fail' || o === 'unsafe' || o === 'dropped' || o === 'bug', limit: TEXT_EXPLAIN_LIMIT }))
      for (const l of explainText(c, opts.color)) yield line(l);
    if (failing > TEXT_EXPLAIN_LIMIT) yield line(`  … ${failing - TEXT_EXPLAIN_LIMIT} more failing, unsafe, dropping or bug-dependent cells (use --format json or html for all)`);
    const warns = m.counts.warn;
    if (warns > 0) yield line(`  ${warns} cell${warns === 1 ? '' : 's'} migrate with warnings: registers missing from the stream keep their reset values (details: --format json/html/markdown)`);
  }
  if (r.policy) {
    yield line('');
    for (const l of policyText(r)) yield line(l);
  }
}

function explainText(c: CellReport, color: boolean): string[] {
  const o = c.result.outcome;
  const lines = [`  ${paint(outcomeSymbols[o], o, color)} ${sanitize(c.source)} → ${sanitize(c.destination)}: ${o === 'fail' ? 'fails' : o === 'unsafe' ? 'passes but unsafe' : o === 'dropped' ? 'passes, dropping registers' : o === 'bug' ? 'passes only by a QEMU bug' : o}`];
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
  return [...markdownChunks(r)].join('');
}

/** The Markdown report, line by line as it is needed. */
export function* markdownChunks(r: SimulationReport): Generator<string> {
  const line = (t: string) => t + '\n';
  yield line(`Legend: ${outcomes.map((o) => `${outcomeSymbols[o]} ${mdEscape(outcomeLabels[o])}`).join(' · ')}. Rows: source host; columns: destination host. QEMU ${r.options.from.id} on KVM sources, ${r.options.to.id} on KVM destinations; TCG hosts run their own.`);
  yield line('');
  yield line('| host | accel | kernel / QEMU | CPU (MIDR) | registers |');
  yield line('|---|---|---|---|---|');
  for (const h of r.hosts)
    yield line(`| ${mdEscape(h.name)} | ${h.accel} | ${mdEscape(h.accel === 'kvm' ? `${h.kernel ?? '?'}${h.flavour ? '-' + h.flavour : ''}` : `QEMU ${h.qemu ?? '?'}`)} | ${h.accel === 'kvm' ? `${mdEscape(h.cpu.name ?? '')} 0x${h.cpu.midr.toString(16).padStart(8, '0')}` : '—'} | ${h.regs.length} |`);
  const H = r.hosts.length;
  for (const m of r.machines) {
    yield line('');
    yield line(`### ${mdEscape(m.machine.name)}`);
    yield line('');
    yield line(`${mdEscape(machineHeading(m))}: ${countsLine(m)}.`);
    yield line('');
    yield line(`| source ↓ / destination → | ${r.hosts.map((h) => mdEscape(h.name)).join(' | ')} |`);
    yield line(`|---|${r.hosts.map(() => ':-:').join('|')}|`);
    for (let s = 0; s < H; s++) {
      const row: string[] = [];
      for (let d = 0; d < H; d++) row.push(outcomeSymbols[m.outcome(s, d)]);
      yield line(`| **${mdEscape(r.hosts[s].name)}** | ${row.join(' | ')} |`);
    }
    const explainable = (o: Outcome) => o !== 'ok' && o !== 'unsupported';
    const total = m.counts.warn + m.counts.dropped + m.counts.unsafe + m.counts.bug + m.counts.fail;
    if (total > 0) {
      yield line('');
      yield line('<details><summary>Explanations</summary>');
      yield line('');
      for (const c of m.explained({ filter: explainable, limit: MAX_EXPLAINED_CELLS })) {
        yield line(`- ${outcomeSymbols[c.result.outcome]} ${mdEscape(cellSummary(c))}`);
        if (c.result.lines.length) {
          yield line('');
          yield line('  ```');
          for (const l of c.result.lines) yield line(`  ${l.replace(/`/g, "'")}`);
          yield line('  ```');
          yield line('');
        }
        for (const n of c.result.notes) yield line(`  - ${mdEscape(n)}`);
      }
      if (total > MAX_EXPLAINED_CELLS) yield line(`- … ${total - MAX_EXPLAINED_CELLS} more cells not explained here (use --format json or html)`);
      yield line('');
      yield line('</details>');
    }
  }
  if (r.policy) {
    yield line('');
    const p = policyText(r);
    for (let i = 0; i < p.length; i++) yield line(i === 0 ? `**${mdEscape(p[i])}**` : `- ${mdEscape(p[i].trim())}`);
  }
}
