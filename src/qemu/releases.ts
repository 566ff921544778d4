/**
 * QEMU releases as destinations of a migration: how each compares the
 * incoming cpreg list with its own and what it prints, read from
 * catalog/qemu/releases.yaml (every behaviour cited there). The simulator,
 * `explain` and `diff` take them from here.
 *
 * May import: src/catalog (register names and ids), src/util, this folder.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { decodeId, qemuName } from '../catalog/regid.js';
import { packageRootUrl } from '../util/package-root.js';

export type Walk = 'local-end' | 'report-all' | 'full';
export type NameScheme = 'none' | 'kvm-10.2' | 'kvm-11.1';

export interface ReleaseMessages {
  readonly lengthFail: readonly string[];
  readonly missing: string | null;
  readonly unexpected: string | null;
  /** A refused KVM_SET_ONE_REG of a migrated value (the identity registers before Linux 6.15). */
  readonly setRegister: string | null;
  readonly postLoadFail: readonly string[];
}

export interface RefusedStream {
  /** Source releases from this one on. */
  readonly from: string;
  readonly why: string;
  /** What real runs printed, per `-cpu` pair (`cortex-a57 -> max`): the failure is certain, its lines depend on the CPUs. */
  readonly seen: readonly { readonly cpus: string; readonly lines: readonly string[] }[];
}

export interface ReleaseModel {
  /** `10.2`, `11.1`, `x-mig-series`. */
  readonly id: string;
  /** The tree it was read from, when there is one. */
  readonly tree: string | null;
  readonly verified: boolean;
  readonly cite: readonly string[];
  /** VMSTATE_INT32_POSITIVE_LE on cpreg_vmstate_array_len: a longer incoming list fails before any index is compared. */
  readonly lengthCheck: boolean;
  /** How much longer than the local list the incoming one may be (the series' 10 anomalies); 0 otherwise. */
  readonly lengthSlack: number;
  readonly walk: Walk;
  readonly interfaces: { readonly xmig: boolean; readonly tolerances: boolean };
  /** 11.1.1: `fail = handle_cpreg_only_in_incoming_stream()`, so only the last unexpected register decides. */
  readonly assignBug: boolean;
  readonly names: NameScheme;
  /** Most missing and most unexpected registers printed (the series' MAX_CPREG_VMSTATE_ANOMALIES); null: all. */
  readonly anomalyCap: number | null;
  readonly messages: ReleaseMessages;
  readonly traceUnexpected?: string;
  readonly traceMissing?: string;
  readonly tracePostLoad?: string;
  /** Source releases whose streams this release loads; others are refused outside the cpreg list. */
  readonly loadsStreamsOf: readonly string[];
  readonly refusedStreams: readonly RefusedStream[];
}

export const QEMU_PREFIX = 'qemu-system-aarch64: ';

let cache: ReleaseModel[] | undefined;

function fail(what: string): never {
  throw new Error(`catalog/qemu/releases.yaml: ${what}`);
}

/** Checks one release entry's shape (the file ships with mtc; a broken one is a bug, said plainly). */
function release(x: unknown, i: number): ReleaseModel {
  const r = x as Record<string, unknown>;
  const str = (k: string) => (typeof r[k] === 'string' ? (r[k] as string) : fail(`release ${i}: \`${k}\` must be a string`));
  const bool = (k: string) => (typeof r[k] === 'boolean' ? (r[k] as boolean) : fail(`release ${i}: \`${k}\` must be true or false`));
  const strs = (v: unknown, k: string) => (Array.isArray(v) && v.every((e) => typeof e === 'string') ? (v as string[]) : fail(`release ${i}: \`${k}\` must be a list of strings`));
  const m = (r.messages ?? fail(`release ${i}: no messages`)) as Record<string, unknown>;
  const walk = str('walk');
  if (walk !== 'local-end' && walk !== 'report-all' && walk !== 'full') fail(`release ${i}: unknown walk \`${walk}\``);
  const names = str('names');
  if (names !== 'none' && names !== 'kvm-10.2' && names !== 'kvm-11.1') fail(`release ${i}: unknown names \`${names}\``);
  const ifs = (r.interfaces ?? {}) as Record<string, unknown>;
  const opt = (k: string) => (r[k] === undefined ? {} : { [k]: str(k) });
  return {
    id: str('id'),
    tree: r.tree === null ? null : str('tree'),
    verified: bool('verified'),
    cite: strs(r.cite, 'cite'),
    lengthCheck: bool('lengthCheck'),
    lengthSlack: typeof r.lengthSlack === 'number' ? r.lengthSlack : 0,
    walk,
    interfaces: { xmig: ifs.xmig === true, tolerances: ifs.tolerances === true },
    assignBug: bool('assignBug'),
    names,
    anomalyCap: typeof r.anomalyCap === 'number' ? r.anomalyCap : null,
    messages: {
      lengthFail: strs(m.lengthFail, 'messages.lengthFail'),
      missing: typeof m.missing === 'string' ? m.missing : null,
      unexpected: typeof m.unexpected === 'string' ? m.unexpected : null,
      setRegister: typeof m.setRegister === 'string' ? m.setRegister : null,
      postLoadFail: strs(m.postLoadFail, 'messages.postLoadFail'),
    },
    ...opt('traceUnexpected'),
    ...opt('traceMissing'),
    ...opt('tracePostLoad'),
    loadsStreamsOf: strs(r.loadsStreamsOf, 'loadsStreamsOf'),
    refusedStreams: ((r.refusedStreams as unknown[] | undefined) ?? []).map((e) => {
      const o = e as Record<string, unknown>;
      const seen = Array.isArray(o.seen) ? o.seen : fail(`release ${i}: refusedStreams needs \`seen\``);
      return {
        from: String(o.from),
        why: String(o.why),
        seen: seen.map((x) => {
          const e = x as Record<string, unknown>;
          return { cpus: String(e.cpus), lines: strs(e.lines, 'refusedStreams.seen.lines') };
        }),
      };
    }),
  } as ReleaseModel;
}

export function loadReleases(): readonly ReleaseModel[] {
  if (!cache) {
    const doc = parse(readFileSync(new URL('catalog/qemu/releases.yaml', packageRootUrl()), 'utf8')) as { format?: number; releases?: unknown[] };
    if (doc?.format !== 1 || !Array.isArray(doc.releases)) fail('expected `format: 1` and a `releases` list');
    cache = doc.releases.map(release);
  }
  return cache;
}

/** Release ids, oldest first (`x-mig-series` sits on its 10.2 base). */
export function releaseIds(): string[] {
  return loadReleases().map((r) => r.id);
}

/** The release a `--qemu` value names: `11.1`, `11.1.1`, `10.2.2`, `x-mig-series`. */
export function findRelease(value: string): ReleaseModel | undefined {
  const v = value.trim();
  const all = loadReleases();
  return all.find((r) => r.id === v) ?? all.find((r) => r.tree === v) ?? all.find((r) => /^[0-9]/.test(v) && v.split('.').slice(0, 2).join('.') === r.id);
}

/** The newest release: the default destination. */
export function newestRelease(): ReleaseModel {
  const all = loadReleases().filter((r) => /^[0-9]/.test(r.id));
  return all.reduce((a, b) => (compare(a.id, b.id) >= 0 ? a : b));
}

/** Release order by version; `x-mig-series` counts as 10.2 (its base). */
export function compare(a: string, b: string): number {
  const n = (x: string) => (x === 'x-mig-series' ? [10, 2] : x.split('.').map(Number));
  const pa = n(a);
  const pb = n(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * The QEMU cpreg id of a KVM index, as kvm_to_cpreg_id() computes it
 * (target/arm/cpregs.h): AArch64 sets the AA64 flag (bit 28); AArch32 sets
 * the non-secure flag (bit 29) and, for a 64-bit register, bit 15.
 */
export function kvmToCpregId(id: bigint): number {
  let c = Number(id & 0xffffffffn);
  if ((id & 0xff00000000000000n) === 0x6000000000000000n) c = (c | (1 << 28)) >>> 0;
  else {
    if ((id & 0x00f0000000000000n) === 0x0030000000000000n) c = (c | (1 << 15)) >>> 0;
    c = (c | (1 << 29)) >>> 0;
  }
  return c >>> 0;
}

/** The inverse of kvmToCpregId() (cpreg_to_kvm_id()). */
export function cpregToKvmId(c: number): bigint {
  if (c & (1 << 28)) return 0x6030000000000000n | BigInt((c & ~(1 << 28)) >>> 0);
  const is64 = (c & (1 << 15)) !== 0;
  return (is64 ? 0x4030000000000000n : 0x4020000000000000n) | BigInt((c & ~(1 << 15)) >>> 0);
}

/** A register as the release prints it in its lines. */
export function registerName(r: ReleaseModel, accel: 'kvm' | 'tcg', id: bigint): string {
  if (r.names === 'kvm-11.1') {
    // print_register_name(), target/arm/machine.c:1068-1075 of 11.1.1.
    if (accel === 'tcg') return `system register 0x${kvmToCpregId(id).toString(16)}`;
    return decodeId(id)?.class === 'sysreg' ? `system register ${qemuName(id)}` : qemuName(id);
  }
  return qemuName(id);
}

/** One line as QEMU prints it: its program name, then the template with `{…}` filled in. */
export function renderLine(template: string, vars: Readonly<Record<string, string | number>>): string {
  return QEMU_PREFIX + template.replace(/\{(\w+)\}/g, (m, k: string) => (vars[k] !== undefined ? String(vars[k]) : m));
}
