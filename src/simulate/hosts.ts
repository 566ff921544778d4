/**
 * Hosts as the simulator sees them (HostModel), built from the catalog's host
 * profiles (src/catalog: profiles, kernel history, registerList) or from
 * captured register lists. This file is the only place that knows the
 * catalog's profile API.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { loadBuiltinCatalog, type Catalog } from '../catalog/index.js';
import { findProfile, loadBuiltinProfiles, loadProfile, registerList, type HostProfile } from '../catalog/profile.js';
import { compareVersions, loadBuiltinHistory, resolveRegisterSpec, type KernelHistory } from '../catalog/history.js';
import { simulateCodes } from './codes.js';
import { identityRegs } from './messages.js';
import type { HostModel } from './types.js';

export type { HostModel } from './types.js';

/** Identity registers userspace may change on this kernel, from the history's `writable` entries. */
function writableIds(profile: HostProfile, history: KernelHistory, catalog: Catalog): bigint[] | undefined {
  if (profile.accel !== 'kvm' || !profile.kernel || history.writable.length === 0) return undefined;
  const out: bigint[] = [];
  for (const w of history.writable) {
    const id = resolveRegisterSpec(catalog, w.register);
    if (id !== undefined && identityRegs.includes(id) && compareVersions(profile.kernel, w.since) >= 0) out.push(id);
  }
  return out;
}

/** Converts a catalog profile. Throws Error when its register list cannot be computed. */
export function hostFromProfile(profile: HostProfile, catalog: Catalog = loadBuiltinCatalog(), history: KernelHistory = loadBuiltinHistory()): HostModel {
  const regs = registerList(profile, catalog, history);
  const cpu = profile.cpu;
  const h: { -readonly [K in keyof HostModel]: HostModel[K] } = {
    name: profile.name,
    accel: profile.accel,
    kernel: profile.kernel ?? null,
    qemu: profile.qemu ?? null,
    cpu: {
      midr: BigInt(cpu?.midr ?? 0),
      revidr: BigInt(cpu?.revidr ?? 0),
      aidr: BigInt(cpu?.aidr ?? 0),
      ...(cpu?.name !== undefined ? { name: cpu.name } : {}),
    },
    regs,
  };
  if (profile.values) h.values = new Map([...profile.values].map(([k, v]) => [k, BigInt(v)]));
  if (profile.description !== undefined) h.description = profile.description;
  if (profile.flavour !== undefined) h.flavour = profile.flavour;
  const w = writableIds(profile, history, catalog);
  if (w !== undefined) h.writable = w;
  return h;
}

/** `6.12.40` → [6, 12, 40]; non-numeric parts sort as 0. */
function versionParts(v: string | null): number[] {
  return (v ?? '').split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : 0));
}

/** Reading order of a matrix: KVM hosts by kernel version, then TCG hosts by QEMU version; ties by name. */
export function hostOrder(a: HostModel, b: HostModel): number {
  if (a.accel !== b.accel) return a.accel === 'kvm' ? -1 : 1;
  const va = versionParts(a.accel === 'kvm' ? a.kernel : a.qemu);
  const vb = versionParts(b.accel === 'kvm' ? b.kernel : b.qemu);
  for (let i = 0; i < Math.max(va.length, vb.length); i++) {
    const d = (va[i] ?? 0) - (vb[i] ?? 0);
    if (d !== 0) return d;
  }
  if ((a.flavour ?? '') !== (b.flavour ?? '')) return (a.flavour ?? '') < (b.flavour ?? '') ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The catalog and kernel history host models are computed with (`--catalog`, `--history`); default: the built-in ones. */
export interface HostInputs {
  readonly catalog?: Catalog | undefined;
  readonly history?: KernelHistory | undefined;
}

/** The catalog's built-in host profiles, in matrix reading order (kernel versions ascending). */
export function builtinHosts(inputs: HostInputs = {}): HostModel[] {
  return loadBuiltinProfiles()
    .map((p) => hostFromProfile(p, inputs.catalog, inputs.history))
    .sort(hostOrder);
}

const PROFILE_FILE = /\.(ya?ml|json|txt|list)$/i;

/**
 * Reads profiles or captured lists from files and directories (a directory:
 * every profile file in it, sorted). A name that is not a file or directory
 * but a built-in profile (`n1-6.12`) is that profile, as `explain --from` takes it.
 */
export function loadHosts(paths: readonly string[], inputs: HostInputs = {}): { hosts: HostModel[]; diagnostics: Diagnostic[] } {
  const catalog = inputs.catalog ?? loadBuiltinCatalog();
  const history = inputs.history ?? loadBuiltinHistory();
  const hosts: HostModel[] = [];
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  /** Built-in profiles named on the command line, with their place among the files. */
  const builtinHits: { at: number; profile: HostProfile }[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      const builtin = findProfile(p);
      if (builtin) {
        builtinHits.push({ at: files.length, profile: builtin });
        continue;
      }
      const code = (e as NodeJS.ErrnoException).code;
      diagnostics.push({
        ...bad(p, code === 'ENOENT' ? `\`${p}\` is neither a host profile file, a directory of them, nor a built-in host` : `cannot read host profile ${p}: ${code ?? (e as Error).message}`),
        help: `built-in hosts: ${loadBuiltinProfiles().map((x) => x.name).join(', ')}`,
      });
      continue;
    }
    if (st.isDirectory()) {
      for (const f of readdirSync(p).filter((n) => PROFILE_FILE.test(n)).sort()) files.push(join(p, f));
    } else files.push(p);
  }
  for (let i = 0; i <= files.length; i++) {
    for (const b of builtinHits.filter((x) => x.at === i)) hosts.push(hostFromProfile(b.profile, catalog, history));
    if (i === files.length) break;
    const f = files[i]!;
    const r = loadProfile(f, { catalog, history });
    for (const x of r.diagnostics) diagnostics.push(x);
    if (!r.profile) continue;
    try {
      hosts.push(hostFromProfile(r.profile, catalog, history));
    } catch (e) {
      diagnostics.push(bad(f, `host profile ${f}: ${(e as Error).message}`));
    }
  }
  const seen = new Set<string>();
  for (const h of hosts) {
    if (seen.has(h.name))
      diagnostics.push({
        code: simulateCodes.MTC4008.code,
        severity: 'error',
        message: `two host profiles are named \`${h.name}\``,
        help: 'host names must be unique; rename one profile',
      });
    seen.add(h.name);
  }
  return { hosts, diagnostics };
}

function bad(file: string, message: string): Diagnostic {
  return { code: simulateCodes.MTC4002.code, severity: 'error', file, message };
}
