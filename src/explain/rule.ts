/**
 * The rule `mtc explain` suggests for what the log and the host profiles
 * show: `allow cpu` for a refused MIDR write (with the kernel that makes
 * identity registers writable), `tolerate` for registers older kernels list
 * (forward migration), `hide` (or a value-tested tolerance under the
 * tolerances target) for registers newer kernels list (backward migration),
 * a TCG tolerance for cpreg indexes one QEMU defines and the other does not.
 *
 * May import: src/catalog, this folder.
 */
import { compileHistory, type KernelHistory } from '../catalog/history.js';
import { idHex } from '../catalog/regid.js';
import type { Catalog } from '../catalog/types.js';
import { hex32, nameOf, type ExplainedRegister } from './model.js';
import type { LogEvent } from './log.js';

export function suggestRule(registers: readonly ExplainedRegister[], events: readonly LogEvent[], catalog: Catalog, history: KernelHistory, target: 'x-mig' | 'tolerances', machine?: string): string {
  const ruleLines: string[] = [];
  for (const e of events) {
    if (e.kind !== 'set-failed' || e.id === undefined) continue;
    const w = compileHistory(history, catalog).writable.get(e.id);
    if (w && nameOf(catalog, e.id) === 'MIDR_EL1') {
      ruleLines.push(`  // With Linux ${w.since}+ on every host, list each CPU the guest may run on:`);
      ruleLines.push(`  allow cpu ${hex32(e.value)};`);
      ruleLines.push(`  allow cpu ${hex32(e.hostValue)};`);
      ruleLines.push(`  requires kernel ${w.since};`);
    }
  }
  const byRemedy = (r: ExplainedRegister['remedy']) => registers.filter((x) => x.remedy === r);
  const refs = (xs: readonly ExplainedRegister[], kind: string) => [...new Set(xs.flatMap((x) => x.commits))].map((c) => `    ref ${kind} "${c}";`);
  const groups = new Map<string, ExplainedRegister[]>();
  for (const r of byRemedy('tolerate')) groups.set(r.range ?? '', [...(groups.get(r.range ?? '') ?? []), r]);
  for (const [range, xs] of groups) {
    ruleLines.push(`  tolerate ${xs.map((x) => x.name).join(', ')}${range ? ' ' + range : ''} {`);
    ruleLines.push(`    reason "listed by older kernels for every guest, hidden by newer ones without the feature: forward migration";`);
    ruleLines.push(...refs(xs, 'linux'), '  }');
  }
  for (const x of byRemedy('hide')) {
    if (target === 'tolerances') ruleLines.push(`  tolerate ${x.name} when value & 0xffffffffffffffff == 0 ${x.range ?? ''} {`.replace(/ +\{$/, ' {'));
    else ruleLines.push(`  hide ${x.name}${x.range ? ' ' + x.range : ''} {`);
    ruleLines.push(`    reason "newer kernels list it unconditionally; older ones cannot load it: backward migration";`);
    ruleLines.push(...refs([x], 'linux'), '  }');
  }
  const tcg = byRemedy('tcg');
  if (tcg.length) {
    ruleLines.push(`  tolerate ${tcg.map((x) => `${x.name} (${idHex(x.id)})`).join(', ')} {`);
    ruleLines.push(`    reason "TCG: one QEMU version migrates this cpreg index, the other does not define it";`);
    ruleLines.push(...refs(tcg, 'qemu'), '  }');
  }
  for (const x of byRemedy('qemu')) ruleLines.push(`  // ${x.name} (${idHex(x.id)}): no rule; QEMU tolerates it by itself`);
  const unknown = byRemedy('unknown');
  if (unknown.length > 3) ruleLines.push(`  // ${unknown.length} registers (${unknown.slice(0, 3).map((x) => x.name).join(', ')}, …): no rule suggested; the history does not explain the difference`);
  else for (const x of unknown) ruleLines.push(`  // ${x.name} (${idHex(x.id)}): no rule suggested; the history does not explain the difference`);
  if (!ruleLines.some((l) => !l.startsWith('  //'))) return ruleLines.length && registers.length ? `// No rule to add:\n${ruleLines.map((l) => l.replace(/^ {2}/, '')).join('\n')}\n` : '';
  return `target ${target};\n\nmachine ${machine ?? 'MACHINE'} {\n${ruleLines.join('\n')}\n}\n`;
}

