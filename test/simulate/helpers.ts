import { readBuildDocument } from '../../src/simulate/document.js';
import { builtinHosts, hostFromProfile } from '../../src/simulate/hosts.js';
import type { HostModel, MachineModel, SimulateOptions } from '../../src/simulate/types.js';
import { defaultSimulateOptions } from '../../src/simulate/types.js';
import type { HostProfile } from '../../src/catalog/profile.js';
import { findRelease, type ReleaseModel } from '../../src/qemu/releases.js';

export const fixtureDir = new URL('../fixtures/simulate/', import.meta.url).pathname;
export const seedsBuild = fixtureDir + 'build-seeds.json';

export function seedMachines(): Map<string, MachineModel> {
  return new Map(readBuildDocument(seedsBuild).map((m) => [m.name, m]));
}

export function machine(name: string): MachineModel {
  const m = seedMachines().get(name);
  if (!m) throw new Error(`no fixture machine ${name}`);
  return m;
}

export function builtin(name: string): HostModel {
  const h = builtinHosts().find((x) => x.name === name);
  if (!h) throw new Error(`no built-in host ${name}`);
  return h;
}

/** A KVM host computed from the catalog's kernel history. */
export function kvmHost(name: string, kernel: string, midr = 0x413fd0c1, features: string[] = []): HostModel {
  const p: HostProfile = { name, accel: 'kvm', kernel, cpu: { midr, revidr: 0, aidr: 0 }, features, caches: [0, 1, 2], add: [], remove: [] };
  return hostFromProfile(p);
}

/** A release of catalog/qemu/releases.yaml by id (`10.2`, `11.1`, `x-mig-series`). */
export function release(id: string): ReleaseModel {
  const r = findRelease(id);
  if (!r) throw new Error(`no release ${id}`);
  return r;
}

/** Options with QEMU `qemu` on both ends (or `from`/`to` apart), values from `regValues`. */
export function opts(o: { qemu?: string; from?: string; to?: string; regValues?: ReadonlyMap<bigint, bigint> } = {}): SimulateOptions {
  const d = defaultSimulateOptions();
  const pick = (v: string | undefined, fallback: ReleaseModel) => (v === undefined ? fallback : release(v));
  return { from: pick(o.from ?? o.qemu, d.from), to: pick(o.to ?? o.qemu, d.to), regValues: o.regValues ?? new Map() };
}

export const BMAP2 = 0x6030000000160003n;
export const TCR2 = 0x603000000013c103n;
export const PIRE0 = 0x603000000013c512n;
export const PIR = 0x603000000013c513n;
export const DBGDTRTX = 0x40200000200e0298n;
