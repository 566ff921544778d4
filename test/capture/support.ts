/**
 * The committed capture fixtures (test/fixtures/capture/, taken by
 * scripts/capture-fixtures.mjs from real QEMU binaries) and helpers to check
 * mtc's reader against what QEMU itself said about each stream.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';

export const fixtureDir = fileURLToPath(new URL('../fixtures/capture/', import.meta.url));

export interface ManifestFixture {
  readonly qemu: string;
  readonly machine: string;
  readonly cpu: string;
  readonly smp: number;
  readonly accel: 'tcg';
  readonly argv: string[];
  readonly query_version: { qemu: { major: number; minor: number; micro: number }; package: string };
  readonly machine_qom_type: string;
  readonly cpus: { 'cpu-index': number; 'qom-type': string }[];
  readonly midr: number;
  readonly stream_bytes: number;
  readonly stream_sha256: string;
  readonly compressed_bytes: number;
  /** QEMU's trace event vmstate_save_state_loop for the cpu cpreg fields, in stream order: `cpreg_vmstate_indexes[363]`. */
  readonly trace: string[];
  /** What scripts/analyze-migration.py of the tree read. */
  readonly analyze: {
    section: string;
    length: number;
    indexes: number;
    first_index: string;
    last_index: string;
    indexes_sha256: string;
    values_sha256: string;
  }[];
}

export interface ManifestLoad {
  readonly from: string;
  readonly to: string;
  readonly status: 'completed' | 'failed';
  readonly error_desc?: string;
  readonly stderr: string[];
}

export const manifest = JSON.parse(readFileSync(fixtureDir + 'manifest.json', 'utf8')) as {
  fixtures: Record<string, ManifestFixture>;
  loads: ManifestLoad[];
};

export const fixtureNames = Object.keys(manifest.fixtures).sort();

const cache = new Map<string, Buffer>();

/** The decompressed stream of a fixture. */
export function stream(name: string): Buffer {
  let b = cache.get(name);
  if (!b) cache.set(name, (b = brotliDecompressSync(readFileSync(`${fixtureDir}${name}.mig.br`))));
  return b;
}

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** How analyze-migration.py prints a uint64 field: `'0x%016x'` (VMSDFieldInt, format of size 8). */
export const pyHex = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');

/**
 * QEMU's 32-bit cpreg key of a KVM-style index, as its TCG messages print it
 * (`system register 0x%x`): qemu-11.1.1 target/arm/cpregs.h:220-237,
 * kvm_to_cpreg_id(): the low 32 bits, plus bit 28 (CP_REG_AA64_MASK) for an
 * arm64 id, or bit 29 (CP_REG_AA32_NS_MASK) and, for a 64-bit register,
 * bit 15 (CP_REG_AA32_64BIT_MASK) for an arm id.
 */
export function kvmToCpregId(id: bigint): number {
  let r = Number(id & 0xffffffffn);
  if ((id & 0xff00000000000000n) === 0x6000000000000000n) r |= 1 << 28;
  else {
    if ((id & 0x00f0000000000000n) === 0x0030000000000000n) r |= 1 << 15;
    r |= 1 << 29;
  }
  return r >>> 0;
}
