/**
 * Work done once while the start-up snapshot is built (scripts/snapshot.cjs):
 * Chevrotain's parser and lexer are constructed, the shipped catalog, kernel
 * history and QEMU profiles are loaded, and the check path (mtc.yaml, parse,
 * syntax rules, resolve, model rules, rendering) runs once on a sample held in
 * memory, so a run started from the snapshot neither builds the grammar again
 * nor compiles those functions from source.
 *
 * It must leave nothing behind that belongs to one run: it reads no rule file,
 * environment variable or stream. The shipped data files it reads are
 * recorded by the snapshot's builder, and each run from the snapshot checks
 * that they are unchanged (else it runs without the snapshot).
 */
import { loadBuiltinCatalog } from '../catalog/builtin.js';
import { compile } from '../compile.js';
import { memoryFileSystem } from '../resolve/memory-fs.js';
import { readConfig } from '../review/config.js';
import { Command } from 'commander';
import { explainHint, renderHuman, renderJson, summaryLine } from '../diagnostics/render.js';
import { diagnosticsToGithub } from '../diagnostics/github.js';
import { diagnosticsToGitlab } from '../diagnostics/gitlab.js';
import { diagnosticsToSarif } from '../diagnostics/sarif.js';
import { COMMANDS } from './commands/index.js';
import { QEMU_EXTRA } from '../qemu/context.js';
import { BUILTIN_QEMU_VERSIONS, loadBuiltinProfile } from '../qemu/builtin.js';
import { selectQemu } from '../qemu/select.js';

// Realistic rules (every statement kind, inheritance, a shared set, an
// include), then two mistakes, so the diagnostics paths run too.
const SAMPLE = `// warm-up sample
include "b.mtc";
target tolerances;

compat hw_compat_1_0 {
  set acpi-ged.x-has-hest-addr = false;
  set virtio-pci.disable-modern = on optional {
    reason "an optional entry";
  }
}

machine virt-10.2 {
  requires kernel 6.15 {
    reason "writable MIDR";
    ref linux "3adaee78306148da";
  }
  allow cpu 0x413fd0c1 revidr 0 aidr 0 {
    reason "Neoverse N1";
  }
  tolerate ID_AA64ISAR0_EL1 {
    reason "a TCG ID register; "
           "joined strings";
    ref qemu "4f2b82f60431";
  }
}

machine virt-10.1 {
  use hw_compat_1_0;
  set virtio-net-device.host_tunnel = off;
  tolerate S3_0_C0_C4_0, sysreg(3, 0, 0, 4, 1) kernel 6.5..6.12 {
    reason "listed by 6.5 to 6.12";
  }
  tolerate KVM_REG_ARM_VENDOR_HYP_BMAP_2 when value & 0xffff == 0 {
    reason "while it is 0";
  }
}

machine virt-10.0 inherits virt-10.1 { hide ; }
machine virt-9.2 { tolerate NO_SUCH_REG_EL1 { reason "unknown"; } }
`;
const SAMPLE_B = `target tolerances;\nmachine virt-11.0;\n`;
const CONFIG = `# warm-up configuration, in the shapes of a real one
#
# (comments, quoted and plain scalars, nested mappings, block sequences)
qemu: "11.1"

families:
  # a family
  virt:
    preset: upstream
    qemu: ">=11.1"
  virt-rhel:
    preset: rhel

released:
  - "virt-*"
  - virt-rhel9.6.0
`;

/**
 * The commands whose modules the snapshot holds: all but `fmt`, which loads
 * prettier, a package read from disk when it runs.
 */
export const SNAPSHOT_COMMANDS: readonly string[] = COMMANDS.map(([name]) => name).filter((name) => name !== 'fmt');

/** Runs the check path once on the in-memory sample; returns what it rendered (for the test). */
export async function warmUp(): Promise<string> {
  const program = new Command().exitOverride();
  for (const [name, load] of COMMANDS) if (SNAPSHOT_COMMANDS.includes(name)) (await load()).register(program, () => undefined);
  const fs = memoryFileSystem('/warm-up', { 'rules/a.mtc': SAMPLE, 'rules/b.mtc': SAMPLE_B, 'rules/mtc.yaml': CONFIG });
  const config = readConfig(fs, '/warm-up/rules/mtc.yaml', 'rules/mtc.yaml');
  for (const v of BUILTIN_QEMU_VERSIONS) loadBuiltinProfile(v);
  const qemu = selectQemu({}, { file: 'rules/mtc.yaml', ...(config.config.qemu !== undefined ? { qemu: config.config.qemu } : {}), families: new Map(config.config.families ?? []) });
  const extras = new Map<string, unknown>([[QEMU_EXTRA, qemu.context]]);
  const result = compile(['/warm-up/rules/a.mtc'], { catalog: loadBuiltinCatalog(), root: '/warm-up', fs, extras });
  const diags = [...config.diagnostics, ...qemu.diagnostics, ...result.diagnostics];
  const sources = result.project.sources;
  const out: string[] = [];
  for (const color of [false, true]) for (const d of diags) out.push(renderHuman(d, { color, sources }));
  out.push(summaryLine(diags, result.project.files.length), explainHint(diags));
  renderJson(diags);
  diagnosticsToGithub(diags);
  diagnosticsToSarif(diags);
  diagnosticsToGitlab(diags, sources);
  return out.join('\n');
}
