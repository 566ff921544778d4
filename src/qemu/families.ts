/**
 * Machine families: how QEMU names each family's machine types, options
 * functions and registration macros, and which QEMU trees a family belongs
 * to. The names come from the QEMU tree when mtc reads one (read-tree.ts),
 * otherwise from a preset that a project chooses in its `mtc.yaml`
 * (`families: { virt-rhel: { preset: rhel } }`). They are never guessed: a
 * family with neither is a diagnostic (MTC7009).
 *
 * May import: this folder.
 */
import type { ProfileFamily, QemuProfile } from './profile.js';

/** The CPU array properties of the x-mig RFC series (v3 to v6). */
export const HIDDEN_PROP = 'x-mig-hidden-regs';
export const SAFE_MISSING_PROP = 'x-mig-safe-missing-regs';
/** Register array properties mtc manages; a `set` of one of them is refused (MTC3003). */
export const MANAGED_ARRAY_PROPS: readonly string[] = [HIDDEN_PROP, SAFE_MISSING_PROP, 'kvm-hidden-regs', 'kvm-enforced-regs', 'kvm-fake-regs'];

/** The VirtMachineClass field holding a machine type's tolerance function. */
export const TOLERANCE_HOOK = 'set_cpreg_mig_tolerances';

export type TreeKind = 'upstream' | 'rhel';

/** The naming of one family, wherever it came from. */
export interface FamilyNaming {
  readonly family: string;
  /** `tree`: read from the chosen QEMU tree; `preset`: from a preset. */
  readonly from: 'tree' | 'preset';
  /** The preset's name, when from a preset. */
  readonly preset: string | null;
  /** Which kind of tree defines the family. */
  readonly treeKind: TreeKind;
  readonly arch: 'aarch64' | 'x86_64';
  /** The machine file (`hw/arm/virt.c`). */
  readonly file: string;
  readonly typePrefix: string;
  readonly typeInfix: string;
  readonly symbolPrefix: string;
  readonly symbolInfix: string;
  readonly macro: string;
  readonly latestMacro: string;
  /** How many version numbers the registration macros take. */
  readonly arity: number;
  readonly semicolon: boolean;
  /** The options functions' MachineClass parameter. */
  readonly param: string;
  /** Prefix of the compat arrays mtc generates (`arm_virt` → `arm_virt_compat_10_1`). */
  readonly arrayPrefix: string;
}

type PresetEntry = Omit<FamilyNaming, 'family' | 'from' | 'preset'>;

const VIRT: PresetEntry = {
  treeKind: 'upstream',
  arch: 'aarch64',
  file: 'hw/arm/virt.c',
  typePrefix: 'virt',
  typeInfix: '-',
  symbolPrefix: 'virt',
  symbolInfix: '_machine_',
  macro: 'DEFINE_VIRT_MACHINE',
  latestMacro: 'DEFINE_VIRT_MACHINE_AS_LATEST',
  arity: 2,
  semicolon: false,
  param: 'mc',
  arrayPrefix: 'arm_virt',
};

/**
 * Built-in presets, as the real trees write them: upstream QEMU
 * (hw/arm/virt.c, hw/i386/pc_q35.c, hw/i386/pc_piix.c of 10.0 to 11.1) and
 * RHEL's qemu-kvm (its boards.h inserts `rhel` into type names and symbols,
 * and its virt types take three version numbers: `DEFINE_VIRT_MACHINE(9, 6, 0)`,
 * `virt_rhel_machine_9_6_0_options()`; openela-main/qemu-kvm
 * SOURCES/0009-Adapt-versioned-machine-type-macros-for-RHEL.patch and
 * 0011-Add-downstream-aarch64-versioned-virt-machine-types.patch).
 */
export const PRESETS: Readonly<Record<string, Readonly<Record<string, PresetEntry>>>> = {
  upstream: {
    virt: VIRT,
    'pc-q35': {
      treeKind: 'upstream',
      arch: 'x86_64',
      file: 'hw/i386/pc_q35.c',
      typePrefix: 'pc-q35',
      typeInfix: '-',
      symbolPrefix: 'pc_q35',
      symbolInfix: '_machine_',
      macro: 'DEFINE_Q35_MACHINE',
      latestMacro: 'DEFINE_Q35_MACHINE_AS_LATEST',
      arity: 2,
      semicolon: true,
      param: 'm',
      arrayPrefix: 'pc_q35',
    },
    'pc-i440fx': {
      treeKind: 'upstream',
      arch: 'x86_64',
      file: 'hw/i386/pc_piix.c',
      typePrefix: 'pc-i440fx',
      typeInfix: '-',
      symbolPrefix: 'pc_i440fx',
      symbolInfix: '_machine_',
      macro: 'DEFINE_I440FX_MACHINE',
      latestMacro: 'DEFINE_I440FX_MACHINE_AS_LATEST',
      arity: 2,
      semicolon: true,
      param: 'm',
      arrayPrefix: 'pc_i440fx',
    },
  },
  rhel: {
    'virt-rhel': { ...VIRT, treeKind: 'rhel', typeInfix: '-rhel', symbolInfix: '_rhel_machine_', arity: 3, arrayPrefix: 'arm_virt_rhel' },
  },
};

/** One family's entry of `mtc.yaml`. */
export interface FamilyConfig {
  readonly preset?: string;
  /** A family of the project's own, named explicitly: its machine file, C symbol prefix and registration macro. */
  readonly file?: string;
  readonly symbol?: string;
  readonly macro?: string;
  readonly arity?: number;
  readonly semicolon?: boolean;
  readonly param?: string;
  /** QEMU versions the family's rules are written for (`>=11.1`); outside, the family is left out. */
  readonly qemu?: string;
  /** Where it is written, for diagnostics. */
  readonly line?: number;
}

export interface QemuProjectConfig {
  /** Display path of the config file, if any. */
  readonly file?: string;
  /** The QEMU the project is checked and built against by default (`11.1`). */
  readonly qemu?: string;
  readonly families: ReadonlyMap<string, FamilyConfig>;
}

export const emptyQemuConfig: QemuProjectConfig = { families: new Map() };

/** The preset a family gets without an entry in `mtc.yaml`: the built-in one that has it. */
export function defaultPreset(family: string): string | undefined {
  for (const [name, table] of Object.entries(PRESETS)) if (table[family]) return name;
  return undefined;
}

function fromTree(f: ProfileFamily, p: QemuProfile): FamilyNaming {
  const preset = PRESETS[p.kind === 'rhel' ? 'rhel' : 'upstream']?.[f.name];
  return {
    family: f.name,
    from: 'tree',
    preset: null,
    treeKind: p.kind,
    arch: f.arch ?? preset?.arch ?? 'aarch64',
    file: f.file,
    typePrefix: f.typePrefix,
    typeInfix: p.naming.typeInfix,
    symbolPrefix: f.symbolPrefix,
    symbolInfix: p.naming.symbolInfix,
    macro: f.macro,
    latestMacro: f.latestMacro,
    arity: f.arity,
    semicolon: f.semicolon,
    param: f.machineTypes[0]?.param ?? preset?.param ?? 'mc',
    arrayPrefix: preset?.arrayPrefix ?? (f.file === 'hw/arm/virt.c' ? `arm_${f.symbolPrefix}` : f.symbolPrefix),
  };
}

/**
 * The naming of a family: from the tree when it defines the family, else the
 * explicit naming of its mtc.yaml entry, else its preset; undefined when none.
 */
export function namingFor(family: string, config: QemuProjectConfig, profile: QemuProfile | undefined): FamilyNaming | undefined {
  const tree = profile?.families.find((f) => f.name === family);
  if (tree && profile) return fromTree(tree, profile);
  const cfg = config.families.get(family);
  if (cfg?.symbol !== undefined && cfg.macro !== undefined && cfg.file !== undefined)
    return {
      family,
      from: 'preset',
      preset: null,
      treeKind: cfg.preset === 'rhel' ? 'rhel' : 'upstream',
      arch: /^(pc|q35|microvm|isapc)/.test(family) ? 'x86_64' : 'aarch64',
      file: cfg.file,
      typePrefix: family,
      typeInfix: '-',
      symbolPrefix: cfg.symbol,
      symbolInfix: '_machine_',
      macro: cfg.macro,
      latestMacro: `${cfg.macro}_AS_LATEST`,
      arity: cfg.arity ?? 2,
      semicolon: cfg.semicolon ?? false,
      param: cfg.param ?? 'mc',
      arrayPrefix: cfg.symbol,
    };
  const presetName = cfg?.preset ?? defaultPreset(family);
  const entry = presetName !== undefined ? PRESETS[presetName]?.[family] : undefined;
  return entry ? { ...entry, family, from: 'preset', preset: presetName! } : undefined;
}

/** A version range: space-separated comparisons (`>=10.1 <11.1`), or one version for equality. */
export function parseVersionRange(text: string): ((v: readonly number[]) => boolean) | undefined {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 4) return undefined;
  const tests: ((v: readonly number[]) => boolean)[] = [];
  for (const p of parts) {
    const m = /^(>=|<=|>|<|=)?([0-9]{1,4}(?:\.[0-9]{1,4}){0,2})$/.exec(p);
    if (!m) return undefined;
    const want = m[2]!.split('.').map(Number);
    const op = m[1] ?? '=';
    tests.push((v) => {
      // Compare on the components the range writes: `11.1` matches 11.1.1.
      let c = 0;
      for (let i = 0; i < want.length && c === 0; i++) c = (v[i] ?? 0) - want[i]!;
      return op === '>=' ? c >= 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : op === '<' ? c < 0 : c === 0;
    });
  }
  return (v) => tests.every((t) => t(v));
}

export type Scope = { readonly in: true } | { readonly in: false; readonly why: string };

/**
 * Whether a family's rules apply to the chosen QEMU: a family written for
 * another kind of tree (RHEL's virt-rhel on upstream QEMU), or for other QEMU
 * versions (`qemu: ">=11.1"` in mtc.yaml), is left out with a note.
 */
export function familyScope(family: string, config: QemuProjectConfig, profile: QemuProfile): Scope {
  const cfg = config.families.get(family);
  if (!profile.families.some((f) => f.name === family)) {
    const presetName = cfg?.preset ?? defaultPreset(family);
    const entry = presetName !== undefined ? PRESETS[presetName]?.[family] : undefined;
    if (entry && entry.treeKind !== profile.kind)
      return { in: false, why: `it is a family of ${entry.treeKind === 'rhel' ? 'RHEL' : 'upstream'} trees (preset \`${presetName}\`) and QEMU ${profile.qemu} is ${profile.kind === 'rhel' ? 'a RHEL' : 'an upstream'} tree` };
  }
  if (cfg?.qemu !== undefined) {
    const test = parseVersionRange(cfg.qemu);
    if (test && !test(profile.qemu.split('.').map(Number)))
      return { in: false, why: `its rules are for QEMU \`${cfg.qemu}\`${config.file ? ` (${config.file})` : ''}, and this is QEMU ${profile.qemu}` };
  }
  return { in: true };
}

/** A machine type as naming needs it. */
export interface Versioned {
  readonly version?: readonly number[];
}

function versionIdent(m: Versioned): string {
  return (m.version ?? []).join('_');
}

/** `virt_machine_10_1_options`, `virt_rhel_machine_9_6_0_options`, `pc_q35_machine_10_1_options`. */
export function optionsFnName(n: FamilyNaming, m: Versioned): string {
  return `${n.symbolPrefix}${n.symbolInfix}${versionIdent(m)}_options`;
}

/** `arm_virt_compat_10_1`, `pc_q35_compat_10_1` (QEMU's own arrays are `hw_compat_X_Y` and `pc_compat_X_Y`). */
export function compatArrayName(n: FamilyNaming, m: Versioned): string {
  return `${n.arrayPrefix}_compat_${versionIdent(m)}`;
}

/** `virt_machine_10_1_set_cpreg_mig_tolerances` (upstream's own is kvm_arm_set_cpreg_mig_tolerances()). */
export function toleranceFnName(n: FamilyNaming, m: Versioned): string {
  return `${n.symbolPrefix}${n.symbolInfix}${versionIdent(m)}_${TOLERANCE_HOOK}`;
}

/** The set-once helper of a family's machine file. */
export function helperName(n: FamilyNaming): string {
  return `${n.symbolPrefix}_compat_props_replace`;
}

export function registrationLine(n: FamilyNaming, m: Versioned, latest: boolean): string {
  return `${latest ? n.latestMacro : n.macro}(${(m.version ?? []).join(', ')})${n.semicolon ? ';' : ''}`;
}
