/**
 * The report of `mtc explain`: for people (registers grouped by what the
 * destination does with them, why, what the chosen release prints, the rule
 * to add) and as JSON.
 *
 * May import: src/catalog, src/qemu, src/diagnostics, src/syntax (source files for frames), this folder.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { renderHuman, sanitize } from '../diagnostics/render.js';
import type { SourceFile } from '../diagnostics/source.js';
import { QEMU_PREFIX, registerName } from '../qemu/releases.js';
import { classOfId, describeFields, idHex } from '../catalog/regid.js';
import type { ExplainedRegister, ExplainResult, Status } from './model.js';

const STATUS_TEXT: Readonly<Record<Status, readonly [string, string]>> = {
  fails: ['the source sent it, the destination does not have it: this fails the migration', 'the source sent them, the destination does not have them: each fails the migration'],
  dropped: [
    'the source sent it, the destination does not have it: QEMU drops it without a word and the migration passes',
    'the source sent them, the destination does not have them: QEMU drops them without a word and the migration passes',
  ],
  missing: ['the destination has it, the source did not send it: it keeps its reset value (not fatal)', 'the destination has them, the source did not send them: they keep their reset values (not fatal)'],
  tolerated: ['on one end only, and tolerated: not fatal', 'on one end only, and tolerated: not fatal'],
};

const HEADING: Readonly<Record<Status, string>> = { fails: 'Unexpected', dropped: 'Dropped', missing: 'Missing', tolerated: 'Tolerated' };

function describeRelease(r: ExplainResult): string {
  const rel = r.release.id;
  if (r.releaseFrom === 'option') return `${rel} (--qemu)`;
  if (r.releaseFrom === 'default') return r.events.length ? `${rel} (the log's lines fit no release's templates; the newest, give --qemu to choose)` : `${rel} (no log line to tell; the newest, give --qemu to choose)`;
  const others = r.candidates.filter((c) => c !== rel);
  return others.length
    ? `${rel} (the log's lines fit ${r.candidates.join(', ')}; taking ${rel}, give --qemu to choose)`
    : `${rel} (the log's lines fit only its templates)`;
}

export function humanReport(r: ExplainResult, opts: { machine?: string; color: boolean; sources: ReadonlyMap<string, SourceFile> }): string {
  const lines: string[] = [];
  const accel = r.accel ? (r.accel === 'tcg' ? 'TCG (the log names QEMU cpreg ids, or AArch32 registers)' : 'KVM') : 'not named by the log (names as under KVM)';
  lines.push(`QEMU release: ${describeRelease(r)}`, `Accelerator: ${accel}`, '');
  // Registers with the same status and the same explanation are one block.
  const blocks: { status: Status; regs: ExplainedRegister[] }[] = [];
  for (const x of r.registers) {
    const b = blocks.find((bl) => bl.status === x.status && bl.regs[0]!.why.join('\n') === x.why.join('\n') && bl.regs[0]!.remedy === x.remedy);
    if (b && (b.regs.length > 1 || x.remedy === 'unknown')) b.regs.push(x);
    else blocks.push({ status: x.status, regs: [x] });
  }
  // The catalog's name and the id; QEMU's name when the release prints one, else the fields of a register the catalog lacks.
  const label = (x: ExplainedRegister) => {
    const known = x.name !== idHex(x.id);
    // 10.x names nothing; the series names registers under KVM only; 11.1 under both.
    const printsNames = r.release.names === 'kvm-11.1' || (r.release.names === 'kvm-10.2' && r.accel !== 'tcg');
    const qemu = printsNames ? registerName(r.release, r.accel ?? 'kvm', x.id) : known ? '' : describeFields(x.id);
    return `${known ? `${x.name} ` : ''}${idHex(x.id)}${qemu ? ` (${qemu})` : ''}${x.logLine !== undefined ? `, line ${x.logLine}` : ''}`;
  };
  for (const b of blocks) {
    const one = b.regs.length === 1;
    lines.push(one ? `${HEADING[b.status]}: ${sanitize(label(b.regs[0]!))}` : `${HEADING[b.status]} (${b.regs.length}):`);
    if (!one) for (const x of b.regs.slice(0, 20)) lines.push(`  ${sanitize(label(x))}`);
    if (b.regs.length > 20) lines.push(`  … ${b.regs.length - 20} more (--format json lists every one)`);
    lines.push(`  ${STATUS_TEXT[b.status][one ? 0 : 1]}`);
    for (const w of b.regs[0]!.why) lines.push(`  - ${sanitize(w)}`);
    const q = b.regs.flatMap((x) => x.qemuLines);
    if (q.length) {
      lines.push(`  QEMU ${r.release.id} prints${b.status === 'tolerated' || q.every((l) => !l.startsWith(QEMU_PREFIX)) ? ' (with -trace)' : ''}:`);
      for (const l of q.slice(0, 12)) lines.push(`    ${sanitize(l)}`);
      if (q.length > 12) lines.push(`    … ${q.length - 12} more`);
    }
    lines.push('');
  }
  for (const n of r.notes) lines.push(`note: ${sanitize(n)}`);
  if (r.notes.length) lines.push('');
  for (const d of r.diagnostics) lines.push(renderHuman(d, { color: opts.color, sources: opts.sources }), '');
  if (r.rule.startsWith('target')) {
    lines.push(`Rule to add${opts.machine ? '' : ' (give --machine to name the machine type)'}:`, '', r.rule);
  } else if (r.rule) lines.push(r.rule);
  return lines.join('\n');
}

/** `--format json`: the explanation as data. */
export function explainJson(r: ExplainResult): string {
  return (
    JSON.stringify(
      {
        qemu: { release: r.release.id, from: r.releaseFrom, candidates: r.candidates },
        accel: r.accel ?? null,
        registers: r.registers.map((x) => ({
          id: idHex(x.id),
          name: x.name,
          class: classOfId(x.id) ?? null,
          qemuName: registerName(r.release, r.accel ?? 'kvm', x.id),
          direction: x.direction,
          status: x.status,
          remedy: x.remedy,
          range: x.range ?? null,
          why: x.why,
          logLine: x.logLine ?? null,
          qemuLines: x.qemuLines,
        })),
        notes: r.notes,
        diagnostics: r.diagnostics.map(jsonDiagnostic),
        target: r.target,
        rule: r.rule,
      },
      null,
      2,
    ) + '\n'
  );
}

/** A diagnostic in `mtc explain --format json`. */
export function jsonDiagnostic(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.file ?? null,
    line: d.span?.start.line ?? null,
    help: d.help ?? null,
  };
}
