/**
 * The QEMU a run is checked and built against, shared by the validation rules
 * (through the `qemu` extra) and the emitters: the chosen profile (a tree read
 * now, a built-in profile, or none), the project's family configuration, and
 * per family its naming and whether it is in scope.
 *
 * May import: this folder.
 */
import { familyScope, namingFor, type FamilyNaming, type QemuProjectConfig, type Scope } from './families.js';
import type { QemuProfile } from './profile.js';

export const QEMU_EXTRA = 'qemu';

export interface QemuContext {
  /** The chosen QEMU; undefined when the run names none (names then come from presets). */
  readonly profile: QemuProfile | undefined;
  /** The tree's directory when it was read now (`--qemu-tree`): the build also writes a patch for it. */
  readonly treeDir: string | undefined;
  /** How the QEMU was chosen, for messages: `--qemu-tree DIR`, `--qemu 11.1`, `rules/mtc.yaml`. */
  readonly chosenBy: string;
  readonly config: QemuProjectConfig;
  naming(family: string): FamilyNaming | undefined;
  scope(family: string): Scope;
}

export function makeQemuContext(profile: QemuProfile | undefined, config: QemuProjectConfig, opts: { treeDir?: string; chosenBy?: string } = {}): QemuContext {
  const namings = new Map<string, FamilyNaming | undefined>();
  const scopes = new Map<string, Scope>();
  return {
    profile,
    treeDir: opts.treeDir,
    chosenBy: opts.chosenBy ?? (profile ? `QEMU ${profile.qemu}` : 'no QEMU'),
    config,
    naming(family) {
      if (!namings.has(family)) namings.set(family, namingFor(family, config, profile));
      return namings.get(family);
    },
    scope(family) {
      if (!profile) return { in: true };
      let s = scopes.get(family);
      if (!s) scopes.set(family, (s = familyScope(family, config, profile)));
      return s;
    },
  };
}
