/**
 * What decides a pair before any register is compared, for every model of
 * the simulator (pair.ts in detail, reference.ts set by set, engine.ts as
 * bitsets): which QEMU release runs on each end, which of the machine type's
 * rules exist in those releases, which tolerances the destination holds (the
 * machine type's and QEMU's own), and whether the destination can load the
 * source's stream at all.
 */
import type { Catalog } from '../catalog/types.js';
import { parseIdHex } from '../catalog/regid.js';
import { loadBuiltinProfile } from '../qemu/builtin.js';
import { compare, findRelease, loadReleases, type RefusedStream, type ReleaseModel } from '../qemu/releases.js';
import type { HostModel, MachineModel, SimulateOptions } from './types.js';

export interface Tolerance {
  readonly id: bigint;
  readonly kind: 'one-end' | 'source-value';
  readonly mask: bigint;
  readonly value: bigint;
  /** `rules`: the machine type's; `qemu`: registered by QEMU itself (where, for notes). */
  readonly origin: 'rules' | 'qemu';
  readonly at?: string;
}

export interface PairContext {
  /** The catalog that names registers in notes (SimulateOptions.catalog). */
  readonly catalog: Catalog | undefined;
  readonly from: ReleaseModel;
  readonly to: ReleaseModel;
  /** Registers the source and the destination leave out of their lists (x-mig-hidden-regs, where the release has it). */
  readonly hideSrc: ReadonlySet<bigint>;
  readonly hideDst: ReadonlySet<bigint>;
  /** Tolerances the destination consults, by register. */
  readonly tolerances: ReadonlyMap<bigint, Tolerance>;
  /** Registers the machine type tolerates that QEMU already tolerates: registering them again aborts QEMU. */
  readonly duplicates: readonly bigint[];
  /** Why the machine type's hide/tolerate rules do nothing in these releases, or null. */
  readonly rulesAbsent: string | null;
  /** The destination refuses the source's stream before the cpreg list: a known refusal, `unknown`, or null. */
  readonly refused: RefusedStream | 'unknown' | null;
}

/** The release a host runs: a TCG profile's own QEMU, else the run's `from` / `to`. */
export function releaseOf(h: HostModel, role: 'source' | 'destination', opts: SimulateOptions): ReleaseModel {
  if (h.accel === 'tcg' && h.qemu) return releaseForVersion(h.qemu) ?? (role === 'source' ? opts.from : opts.to);
  return role === 'source' ? opts.from : opts.to;
}

/** A QEMU version's release: itself, its tree, or the newest known release not newer than it (10.1 → 10.0). */
export function releaseForVersion(v: string): ReleaseModel | undefined {
  const exact = findRelease(v);
  if (exact) return exact;
  const numeric = loadReleases().filter((r) => /^[0-9]/.test(r.id) && compare(r.id, v) <= 0);
  return numeric.sort((a, b) => compare(b.id, a.id))[0];
}

const builtinCache = new Map<string, Tolerance[]>();

/**
 * The tolerances QEMU registers by itself in a release (from its tree's
 * profile) that apply to a destination host: `-cpu host` ones for KVM hosts
 * (mtc takes KVM hosts to run `-cpu host`), v7 ones for every CPU (every
 * AArch64 CPU is v7 too).
 */
export function builtinTolerances(rel: ReleaseModel, dst: HostModel, trees?: SimulateOptions['trees']): readonly Tolerance[] {
  if (!rel.interfaces.tolerances || !rel.tree) return [];
  const own = trees?.get(rel.id);
  const key = `${rel.id}/${dst.accel}/${own ? own.qemu : 'builtin'}`;
  let out = builtinCache.get(key);
  if (!out) {
    out = [];
    for (const b of (own ?? loadBuiltinProfile(rel.tree)).tolerances) {
      if (b.id === null) continue;
      const accels = b.scope.accels;
      if (!accels.includes('any') && !accels.includes(dst.accel)) continue;
      if (b.scope.cpus === 'host' && dst.accel !== 'kvm') continue;
      const id = parseIdHex(b.id)!;
      out.push(
        b.type === 'ToleranceOnlySrcTestValue'
          ? { id, kind: 'source-value', mask: parseIdHex(b.mask ?? '0x0') ?? 0n, value: parseIdHex(b.value ?? '0x0') ?? 0n, origin: 'qemu', at: `${b.at.file}:${b.at.line}` }
          : { id, kind: 'one-end', mask: 0n, value: 0n, origin: 'qemu', at: `${b.at.file}:${b.at.line}` },
      );
    }
    builtinCache.set(key, out);
  }
  return out;
}

function hasInterface(rel: ReleaseModel, m: MachineModel): boolean {
  return m.target === 'x-mig' ? rel.interfaces.xmig : rel.interfaces.tolerances;
}

export function pairContext(machine: MachineModel, src: HostModel, dst: HostModel, opts: SimulateOptions): PairContext {
  const from = releaseOf(src, 'source', opts);
  const to = releaseOf(dst, 'destination', opts);
  const none = new Set<bigint>();
  const hideSrc = machine.target === 'x-mig' && from.interfaces.xmig ? new Set(machine.hidden) : none;
  const hideDst = machine.target === 'x-mig' && to.interfaces.xmig ? new Set(machine.hidden) : none;
  const tolerances = new Map<bigint, Tolerance>();
  for (const b of builtinTolerances(to, dst, opts.trees)) tolerances.set(b.id, b);
  const duplicates: bigint[] = [];
  if (hasInterface(to, machine))
    for (const t of machine.tolerated) {
      if (hideDst.has(t.id)) continue;
      if (tolerances.has(t.id) && machine.target === 'tolerances') {
        duplicates.push(t.id);
        continue;
      }
      tolerances.set(t.id, { id: t.id, kind: t.kind, mask: t.mask, value: t.value, origin: 'rules' });
    }
  const hasRules = machine.hidden.length > 0 || machine.tolerated.length > 0;
  const rulesAbsent = !hasRules
    ? null
    : !hasInterface(to, machine)
      ? machine.target === 'x-mig'
        ? `QEMU ${to.id} has no x-mig-hidden-regs / x-mig-safe-missing-regs (only the RFC series does): ${machine.name}'s hide and tolerate rules are not in it`
        : `QEMU ${to.id} has no cpreg migration tolerances (they came with 11.1): ${machine.name}'s tolerate rules are not in it`
      : null;
  const refused = streamRefusal(from, to);
  return { catalog: opts.catalog, from, to, hideSrc, hideDst, tolerances, duplicates: duplicates.sort((a, b) => (a < b ? -1 : 1)), rulesAbsent, refused };
}

/** Whether a destination release refuses a source release's stream (before the cpreg list): the known refusal, `unknown`, or null. */
export function streamRefusal(from: ReleaseModel, to: ReleaseModel): RefusedStream | 'unknown' | null {
  if (to.loadsStreamsOf.includes(from.id)) return null;
  return to.refusedStreams.find((r) => compare(from.id, r.from) >= 0) ?? 'unknown';
}

/** The value the source sends for a register: --reg-value, else the captured one, else its reset value 0. */
export function sourceValue(id: bigint, src: HostModel, opts: SimulateOptions): bigint {
  return opts.regValues.get(id) ?? src.values?.get(id) ?? 0n;
}

export function accepts(t: Tolerance, value: bigint): boolean {
  return t.kind === 'one-end' || (value & t.mask) === t.value;
}

/**
 * QEMU's TCG read-back after the walk (write_list_to_cpustate(), target/arm/
 * machine.c:1074 of 10.2.2, :1199 of 11.1.1): a constant register written
 * with another value does not read back as written, and the load fails
 * without naming it. mtc takes the ID registers (op0 3, op1 0, CRn 0) as the
 * constants, and compares the captured values of registers both lists have.
 */
export function tcgReadBackFailures(src: HostModel, dst: HostModel, both: (id: bigint) => boolean): bigint[] {
  if (src.accel !== 'tcg' || dst.accel !== 'tcg' || !src.values || !dst.values) return [];
  const out: bigint[] = [];
  for (const [id, v] of src.values) {
    if (!isIdRegister(id) || !both(id)) continue;
    const w = dst.values.get(id);
    if (w !== undefined && w !== v) out.push(id);
  }
  return out.sort((a, b) => (a < b ? -1 : 1));
}

/**
 * Registers a TCG destination lists that the stream lacks. QEMU never fills
 * the destination's value list before an incoming load under TCG
 * (cpreg_values is allocated with g_new() in init_cpreg_list(), target/arm/
 * helper.c:270 of 10.2.2 and 11.1.1, :255 of 10.0.13; only pre_save and KVM
 * fill it), and the walk skips these registers (target/arm/machine.c:1058-1061
 * of 10.2.2), so write_list_to_cpustate() writes whatever the heap held. A
 * constant register does not read back and fails the load; a writable one
 * takes the undefined value. Seen failing in every real TCG pair with a
 * missing register (test/qemu/migrate.qemu.test.ts). Under KVM the list is
 * read from the kernel at vCPU init and reset (target/arm/kvm.c:826, 1056),
 * so missing registers keep their reset values.
 */
export function tcgUndefinedMissing(src: HostModel, dst: HostModel, missing: readonly bigint[]): readonly bigint[] {
  return src.accel === 'tcg' && dst.accel === 'tcg' ? missing : [];
}

/** AArch64 ID space: op0 3, op1 0, CRn 0 (MIDR_EL1 … the ID_AA64* registers). */
export function isIdRegister(id: bigint): boolean {
  return (id & 0xffffffffffffff80n) === 0x603000000013c000n;
}
