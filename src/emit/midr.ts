/**
 * MIDR_EL1 decoding for people: implementer and part names. The table lists
 * the implementer codes and part numbers Arm and the vendors publish in
 * their technical reference manuals; unknown values decode to hex only.
 * MIDR_EL1 fields: implementer [31:24], variant [23:20], architecture
 * [19:16], part number [15:4], revision [3:0] (rNpM = variant N, revision M).
 */

export interface MidrFields {
  readonly implementer: number;
  readonly variant: number;
  readonly architecture: number;
  readonly part: number;
  readonly revision: number;
}

export interface DecodedMidr extends MidrFields {
  readonly implementerName?: string;
  readonly partName?: string;
  /** A well-known system built on this exact MIDR value (e.g. Ampere Altra). */
  readonly system?: string;
}

const IMPLEMENTERS: Readonly<Record<number, string>> = {
  0x41: 'Arm',
  0x42: 'Broadcom',
  0x43: 'Cavium',
  0x46: 'Fujitsu',
  0x48: 'HiSilicon',
  0x4e: 'NVIDIA',
  0x50: 'Applied Micro',
  0x51: 'Qualcomm',
  0x61: 'Apple',
  0x6d: 'Microsoft',
  0xc0: 'Ampere',
};

const PARTS: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  0x41: {
    0xd03: 'Cortex-A53',
    0xd07: 'Cortex-A57',
    0xd08: 'Cortex-A72',
    0xd09: 'Cortex-A73',
    0xd0b: 'Cortex-A76',
    0xd0c: 'Neoverse N1',
    0xd0d: 'Cortex-A77',
    0xd40: 'Neoverse V1',
    0xd49: 'Neoverse N2',
    0xd4f: 'Neoverse V2',
  },
  0x43: { 0x0af: 'ThunderX2' },
  0x46: { 0x001: 'A64FX' },
  0x48: { 0xd01: 'TSV110 (Kunpeng 920)' },
  0x4e: { 0x000: 'Denver', 0x003: 'Denver 2', 0x004: 'Carmel' },
  0x50: { 0x000: 'X-Gene' },
  0x51: { 0xc00: 'Falkor' },
  0x61: { 0x022: 'M1 Icestorm', 0x023: 'M1 Firestorm' },
  0xc0: { 0xac3: 'AmpereOne', 0xac4: 'AmpereOne A' },
};

/** Exact MIDR values of well-known server CPUs that reuse another implementer's core. */
const SYSTEMS: Readonly<Record<number, string>> = {
  0x413fd0c1: 'Ampere Altra / Altra Max',
};

export function midrFields(midr: bigint): MidrFields {
  const v = Number(midr & 0xffffffffn);
  return {
    implementer: (v >>> 24) & 0xff,
    variant: (v >>> 20) & 0xf,
    architecture: (v >>> 16) & 0xf,
    part: (v >>> 4) & 0xfff,
    revision: v & 0xf,
  };
}

export function decodeMidr(midr: bigint): DecodedMidr {
  const f = midrFields(midr);
  const implementerName = IMPLEMENTERS[f.implementer];
  const partName = PARTS[f.implementer]?.[f.part];
  const system = SYSTEMS[Number(midr & 0xffffffffn)];
  return { ...f, ...(implementerName ? { implementerName } : {}), ...(partName ? { partName } : {}), ...(system ? { system } : {}) };
}

export function hex(v: number, digits: number): string {
  return '0x' + v.toString(16).padStart(digits, '0');
}

/**
 * `Arm Neoverse N1 r3p1, Ampere Altra / Altra Max`: implementer, part,
 * variant and revision, and the system when known. A code the table does not
 * know is given in hex (`implementer 0x99 part 0x123 r0p0`); the codes of
 * known names are in the MIDR value the docs show next to the label.
 */
export function cpuLabel(d: DecodedMidr): string {
  const impl = d.implementerName ?? `implementer ${hex(d.implementer, 2)}`;
  const part = d.partName ?? `part ${hex(d.part, 3)}`;
  return `${impl} ${part} r${d.variant}p${d.revision}${d.system ? `, ${d.system}` : ''}`;
}
