/**
 * Choosing the QEMU of a run: `--qemu-tree DIR` (read now), `--qemu VERSION`
 * (a built-in profile), or the project's `mtc.yaml` (`qemu:`), in that order;
 * none at all is allowed (names then come from presets, and the checks
 * against QEMU are skipped). The project's `qemu:` and families come in as
 * data (read by the command, src/cli/check-inputs.ts).
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { BUILTIN_QEMU_VERSIONS, findBuiltinVersion, loadBuiltinProfile } from './builtin.js';
import { makeQemuContext, type QemuContext } from './context.js';
import type { QemuProjectConfig } from './families.js';
import type { QemuProfile } from './profile.js';
import { readQemuTree, TreeError } from './read-tree.js';

export interface QemuSelection {
  /** `--qemu VERSION`. */
  readonly qemu?: string;
  /** `--qemu-tree DIR`. */
  readonly qemuTree?: string;
}

function builtin(value: string, origin: string): { profile?: QemuProfile; diagnostics: Diagnostic[] } {
  const v = findBuiltinVersion(value);
  if (v) return { profile: loadBuiltinProfile(v), diagnostics: [] };
  return {
    diagnostics: [
      {
        code: 'MTC7021',
        severity: 'error',
        message: `no built-in QEMU profile for \`${value}\` (${origin})`,
        help: `built-in: ${BUILTIN_QEMU_VERSIONS.join(', ')} (or their releases: ${[...new Set(BUILTIN_QEMU_VERSIONS.map((x) => x.split('.').slice(0, 2).join('.')))].join(', ')}); for another QEMU, give its tree with --qemu-tree DIR`,
      },
    ],
  };
}

export function selectQemu(sel: QemuSelection, config: QemuProjectConfig): { context: QemuContext; diagnostics: Diagnostic[] } {
  if (sel.qemuTree !== undefined) {
    try {
      const profile = readQemuTree(sel.qemuTree);
      return { context: makeQemuContext(profile, config, { treeDir: sel.qemuTree, chosenBy: `--qemu-tree ${sel.qemuTree}` }), diagnostics: [] };
    } catch (e) {
      if (!(e instanceof TreeError)) throw e;
      return {
        context: makeQemuContext(undefined, config),
        diagnostics: [
          {
            code: 'MTC3011',
            severity: 'error',
            message: `cannot read the QEMU tree ${sel.qemuTree}: ${e.file}: ${e.message}`,
            help: '--qemu-tree takes the top directory of a QEMU source tree (the one with VERSION and hw/)',
          },
        ],
      };
    }
  }
  const value = sel.qemu ?? config.qemu;
  if (value === undefined) return { context: makeQemuContext(undefined, config), diagnostics: [] };
  const origin = sel.qemu !== undefined ? '--qemu' : `qemu: in ${config.file ?? 'mtc.yaml'}`;
  const r = builtin(value, origin);
  return { context: makeQemuContext(r.profile, config, { chosenBy: `${origin} ${value}` }), diagnostics: r.diagnostics };
}
