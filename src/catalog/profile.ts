import { readdirSync, readFileSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../diagnostics/source.js';
import { catalogCodes } from './codes.js';
import { loadBuiltinCatalog } from './builtin.js';
import { packageRootUrl } from '../util/package-root.js';
import { diagnosticAt } from './catalog-file.js';
import { validateProfile } from './generated/validators.js';
import { commitIn, compareVersions, compileHistory, featureSet, isListed, loadBuiltinHistory, presenceAt, resolveRegisterSpec, type KernelHistory } from './history.js';
import { hasErrors } from '../diagnostics/diagnostic.js';
import { classOfId, encodeSysreg, idHex } from './regid.js';
import type { Catalog } from './types.js';
import { jsonErrorWhere } from '../util/read-file.js';
import { DEFAULT_MAX_CATALOG_BYTES, parseYamlText, readTextBounded, schemaDiagnostics, type CompiledValidator } from './yaml-file.js';

/** A host: what it lists in KVM_GET_REG_LIST for a plain guest. */
export interface HostProfile {
  readonly name: string;
  readonly description?: string;
  readonly accel: 'kvm' | 'tcg';
  /** Kernel version without flavour (`6.12.40`); required for kvm unless `registers` is given. */
  readonly kernel?: string;
  /** `stable`, a distro name…; from `kernel: 6.12.40-stable` or `flavour:`. */
  readonly flavour?: string;
  /** QEMU version (`10.0`); what matters under tcg. */
  readonly qemu?: string;
  readonly cpu?: { readonly name?: string; readonly midr: number; readonly revidr?: number; readonly aidr?: number };
  /** Host/vcpu features (`FEAT_TCR2`, `FEAT_S1PIE`, `FEAT_S1POE`, `FEAT_FP8`, `FEAT_SCTLR2`, `FEAT_PMUv3` for a vcpu with PMU). */
  readonly features: readonly string[];
  /** Kernel build options that differ from their default (`CONFIG_ARM64_POE: false`): the history's `CONFIG_…` terms read them. */
  readonly kernelConfig?: Readonly<Record<string, boolean>>;
  /** Upstream commits this kernel carries although its version is older (RHEL 9's 5.14): their history changes apply to it. */
  readonly backports?: readonly string[];
  /** CSSELR values the host has a CCSIDR demux entry for (default [0, 1, 2]: L1D, L1I, L2). */
  readonly caches: readonly number[];
  /** Corrections to the history model: names or hex ids. */
  readonly add: readonly string[];
  readonly remove: readonly string[];
  /** A captured list (names or hex ids): used as is, the history is not consulted. */
  readonly registers?: readonly string[];
  /** `mtc capture`: the value the source sent for each captured id (informational; `explain` compares them). */
  readonly values?: ReadonlyMap<bigint, string>;
  /** File it came from (`builtin:<name>` for shipped ones). */
  readonly source?: string;
}

const DEFAULT_CACHES = [0, 1, 2];

interface ProfileData {
  name: string;
  description?: string;
  accel?: 'kvm' | 'tcg';
  kernel?: string;
  flavour?: string;
  qemu?: string;
  cpu?: { name?: string; midr: number | string; revidr?: number | string; aidr?: number | string };
  features?: string[];
  kernel_config?: Record<string, boolean>;
  backports?: string[];
  caches?: number[];
  add?: string[];
  remove?: string[];
  registers?: string[];
  /** `mtc capture`: the value sent for each id of `registers`, and how the capture was taken (informational). */
  values?: Record<string, string>;
  capture?: Record<string, unknown>;
}

const u32 = (v: number | string | undefined): number | undefined => (v === undefined ? undefined : typeof v === 'number' ? v : Number(BigInt(v)));

export function profileFromData(d: ProfileData, source: string): HostProfile {
  let kernel = d.kernel;
  let flavour = d.flavour;
  if (kernel && kernel.includes('-')) {
    const i = kernel.indexOf('-');
    flavour ??= kernel.slice(i + 1);
    kernel = kernel.slice(0, i);
  }
  const p: { -readonly [K in keyof HostProfile]: HostProfile[K] } = {
    name: d.name,
    accel: d.accel ?? 'kvm',
    features: [...(d.features ?? [])],
    caches: [...(d.caches ?? DEFAULT_CACHES)],
    add: d.add ?? [],
    remove: d.remove ?? [],
    source,
  };
  if (d.description !== undefined) p.description = d.description;
  if (kernel !== undefined) p.kernel = kernel;
  if (flavour !== undefined) p.flavour = flavour;
  if (d.qemu !== undefined) p.qemu = d.qemu;
  if (d.cpu) {
    const cpu: { name?: string; midr: number; revidr?: number; aidr?: number } = { midr: u32(d.cpu.midr)! };
    if (d.cpu.name !== undefined) cpu.name = d.cpu.name;
    if (d.cpu.revidr !== undefined) cpu.revidr = u32(d.cpu.revidr);
    if (d.cpu.aidr !== undefined) cpu.aidr = u32(d.cpu.aidr);
    p.cpu = cpu;
  }
  if (d.registers) p.registers = d.registers;
  if (d.kernel_config) p.kernelConfig = { ...d.kernel_config };
  if (d.backports) p.backports = [...d.backports];
  if (d.values) p.values = new Map(Object.entries(d.values).map(([k, v]) => [BigInt(k), v]));
  return p;
}

/**
 * What KVM_GET_REG_LIST returns for a plain guest on this host, minus core and
 * SVE registers (QEMU syncs those outside the cpreg list): sorted ascending,
 * unique. Under `accel: tcg`, the AArch64 registers of the baseline plus the
 * QEMU-version-dependent cpreg indexes of `history.tcg` (an approximation of
 * QEMU's TCG cpreg list that contains every index known to differ).
 * Throws on a register name the catalog does not know.
 */
export function registerList(profile: HostProfile, catalog: Catalog, history: KernelHistory): bigint[] {
  const resolve = (s: string): bigint => {
    const id = resolveRegisterSpec(catalog, s);
    if (id === undefined) throw new Error(`profile ${profile.name}: unknown register \`${s}\``);
    return id;
  };
  const out = new Set<bigint>();
  if (profile.registers) {
    for (const r of profile.registers) out.add(resolve(r));
  } else if (profile.accel === 'tcg') {
    const c = compileHistory(history, catalog);
    for (const t of c.timelines.values()) if (t.baseline && (t.baseline.when ?? 'always') === 'always' && classOfId(t.id) === 'sysreg') out.add(t.id);
    const q = profile.qemu;
    for (const [id, t] of c.tcg) {
      if (q === undefined) continue;
      // `qemu_until: "11.0"` covers every 11.0.x: compare as many parts as the bound has.
      const cut = (v: string, bound: string) => v.split('.').slice(0, bound.split('.').length).join('.');
      if (t.qemu_since && compareVersions(cut(q, t.qemu_since), t.qemu_since) < 0) continue;
      if (t.qemu_until && compareVersions(cut(q, t.qemu_until), t.qemu_until) > 0) continue;
      out.add(id);
    }
  } else {
    if (!profile.kernel) throw new Error(`profile ${profile.name}: no kernel version and no captured register list`);
    const c = compileHistory(history, catalog);
    const features = featureSet(profile.features, profile.kernelConfig);
    for (const t of c.timelines.values()) {
      const p = presenceAt(t, profile.kernel, profile.flavour, profile.backports);
      if (isListed(p.when, features)) out.add(t.id);
    }
    for (const csselr of profile.caches) out.add(0x6020000000110000n | BigInt(csselr));
  }
  for (const r of profile.add) out.add(resolve(r));
  for (const r of profile.remove) out.delete(resolve(r));
  return [...out].filter((id) => {
    const cls = classOfId(id);
    return cls !== 'core' && cls !== 'sve';
  }).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/* ------------------------------ loading -------------------------------- */

let builtinProfiles: HostProfile[] | undefined;

/** Shipped profiles (catalog/hosts/*.yaml, pre-compiled into catalog/hosts.json), sorted by name. */
export function loadBuiltinProfiles(): HostProfile[] {
  if (!builtinProfiles) {
    const data = JSON.parse(readFileSync(new URL('catalog/hosts.json', packageRootUrl()), 'utf8')) as ProfileData[];
    builtinProfiles = data.map((d) => profileFromData(d, `builtin:${d.name}`)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  return builtinProfiles;
}

export function findProfile(name: string): HostProfile | undefined {
  return loadBuiltinProfiles().find((p) => p.name === name);
}

/** Reads the built-in profiles from their YAML sources (for the generator and tests). */
export function readProfileSources(dir: string, catalog: Catalog = loadBuiltinCatalog()): { profiles: ProfileData[]; diagnostics: Diagnostic[] } {
  const profiles: ProfileData[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const r = parseProfileText(readFileSync(`${dir}/${f}`, 'utf8'), `catalog/hosts/${f}`, catalog);
    for (const x of r.diagnostics) diagnostics.push(x);
    if (r.data) profiles.push(r.data);
  }
  return { profiles, diagnostics };
}

function parseProfileText(text: string, display: string, catalog: Catalog, history?: KernelHistory): { data?: ProfileData; diagnostics: Diagnostic[] } {
  const read = parseYamlText(text, display);
  if (read.diagnostics.length) return { diagnostics: read.diagnostics };
  const schema = schemaDiagnostics(read, validateProfile as CompiledValidator, 'host profile');
  if (schema.length) return { diagnostics: schema };
  const data = read.value as ProfileData;
  const diagnostics: Diagnostic[] = [];
  for (const key of ['add', 'remove', 'registers'] as const)
    (data[key] ?? []).forEach((r, i) => {
      if (resolveRegisterSpec(catalog, r) === undefined) diagnostics.push(diagnosticAt(read, `/${key}/${i}`, 'MTC2110', `unknown register \`${r}\` in host profile`));
    });
  if (data.values) {
    const listed = new Set((data.registers ?? []).map((r) => resolveRegisterSpec(catalog, r)));
    for (const id of Object.keys(data.values))
      if (!listed.has(BigInt(id))) diagnostics.push(diagnosticAt(read, `/values/${id}`, 'MTC2106', `host profile: \`values\` has ${id}, which is not in \`registers\``));
  }
  if ((data.accel ?? 'kvm') === 'kvm' && !data.kernel && !data.registers)
    diagnostics.push(diagnosticAt(read, '', 'MTC2106', 'host profile: a kvm profile needs `kernel` or a captured `registers` list'));
  if (data.accel === 'tcg' && !data.qemu) diagnostics.push(diagnosticAt(read, '', 'MTC2106', 'host profile: a tcg profile needs `qemu`'));
  const commits = (history ?? loadBuiltinHistory()).changes.flatMap((c) => (c.commit && !c.flavours ? [c.commit] : []));
  (data.backports ?? []).forEach((b, i) => {
    if (!commitIn(b, commits))
      diagnostics.push({
        ...diagnosticAt(read, `/backports/${i}`, 'MTC2113', `host profile: backport \`${b}\` is the commit of no change in the kernel history, so it changes nothing`),
        help: 'name the upstream commit of a change the history has (catalog/kernels.yaml, or your --history file: add the change there first)',
      });
  });
  return hasErrors(diagnostics) ? { diagnostics } : { data, diagnostics };
}

/**
 * Loads a host profile: a YAML profile, or a captured register list from a
 * real host (JSON: an array of ids, or `{ "name", "kernel", "registers": [...] }`;
 * text: one id per line as KVM selftests or hex dumps print them).
 */
export function loadProfile(
  file: string,
  opts: { catalog?: Catalog; history?: KernelHistory; maxFileBytes?: number; text?: string; name?: string } = {},
): { profile: HostProfile | undefined; diagnostics: Diagnostic[] } {
  const catalog = opts.catalog ?? loadBuiltinCatalog();
  let text = opts.text;
  if (text === undefined) {
    const t = readTextBounded(file, opts.maxFileBytes ?? DEFAULT_MAX_CATALOG_BYTES, file);
    if (t.text === undefined) return { profile: undefined, diagnostics: t.diagnostics };
    text = t.text;
  }
  const base = (opts.name ?? file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '')).replace(/[^A-Za-z0-9_.+-]/g, '_') || 'captured';
  const trimmed = text.trimStart();
  if (/\.ya?ml$/i.test(file) && !trimmed.startsWith('[') && !trimmed.startsWith('{')) {
    const r = parseProfileText(text, file, catalog, opts.history);
    return { profile: r.data ? profileFromData(r.data, file) : undefined, diagnostics: r.diagnostics };
  }
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return capturedJson(text, file, base);
  return capturedText(text, file, base);
}

/**
 * A capture with no register id: an empty file, or only comments and core/SVE
 * lines. Accepting it would make a host with 0 registers, MIDR 0 and kernel
 * "?", which fails every migration for no real reason.
 */
function emptyCapture(file: string): Diagnostic {
  return {
    code: 'MTC2112',
    severity: 'error',
    file,
    message: 'captured register list has no register ids',
    help: 'capture the list on the host (KVM_GET_REG_LIST, e.g. the get-reg-list selftest prints it) and write one id per line; a real host lists several hundred',
  };
}

function capturedJson(text: string, file: string, name: string): { profile: HostProfile | undefined; diagnostics: Diagnostic[] } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { profile: undefined, diagnostics: [{ code: 'MTC2111', severity: 'error', file, message: `captured register list is not valid JSON${jsonErrorWhere(e)}` }] };
  }
  const obj = (Array.isArray(v) ? { registers: v } : v) as Record<string, unknown>;
  const regs = obj.registers;
  if (!Array.isArray(regs)) return { profile: undefined, diagnostics: [{ code: 'MTC2111', severity: 'error', file, message: 'captured register list: expected an array of ids or `{ "registers": [...] }`' }] };
  const ids: string[] = [];
  const diagnostics: Diagnostic[] = [];
  regs.forEach((r, i) => {
    const id = typeof r === 'number' && Number.isSafeInteger(r) ? BigInt(r) : typeof r === 'string' ? parseCaptureToken(r) : undefined;
    // The message says where, never what: the file may not be what it claims to be.
    if (id === undefined) diagnostics.push({ code: 'MTC2111', severity: 'error', file, message: `captured register list: entry ${i} is not a register id` });
    else if (id !== null) ids.push(idHex(id));
  });
  if (diagnostics.length) return { profile: undefined, diagnostics };
  if (ids.length === 0) return { profile: undefined, diagnostics: [emptyCapture(file)] };
  const d: ProfileData = { name: typeof obj.name === 'string' ? obj.name : name, registers: ids };
  if (typeof obj.kernel === 'string') d.kernel = obj.kernel;
  if (typeof obj.description === 'string') d.description = obj.description;
  return { profile: profileFromData(d, file), diagnostics: [] };
}

/** One token of a capture: a hex id, or a uapi macro form. `null` = a line to skip (core/SVE). */
function parseCaptureToken(s: string): bigint | null | undefined {
  const t = s.trim().replace(/,$/, '');
  let m: RegExpExecArray | null;
  if ((m = /^(?:0x)?([0-9a-f]{16})$/i.exec(t))) return BigInt('0x' + m[1]);
  if ((m = /^ARM64_SYS_REG\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(t))) {
    const f = { op0: +m[1], op1: +m[2], crn: +m[3], crm: +m[4], op2: +m[5] };
    if (f.op0 > 3 || f.op1 > 7 || f.crn > 15 || f.crm > 15 || f.op2 > 7) return undefined;
    return encodeSysreg(f);
  }
  if ((m = /^KVM_REG_ARM_FW_REG\(\s*(\d+)\s*\)$/.exec(t))) return 0x6030000000140000n | BigInt(+m[1] & 0xffff);
  if ((m = /^KVM_REG_ARM_FW_FEAT_BMAP_REG\(\s*(\d+)\s*\)$/.exec(t))) return 0x6030000000160000n | BigInt(+m[1] & 0xffff);
  if (/KVM_REG_ARM_CORE|KVM_REG_ARM64_SVE/.test(t)) return null;
  if ((m = /KVM_REG_ARM_DEMUX_ID_CCSIDR\s*\|\s*(\d+|0x[0-9a-f]+)$/i.exec(t))) return 0x6020000000110000n | BigInt(Number(m[1]) & 0xff);
  return undefined;
}

function capturedText(text: string, file: string, name: string): { profile: HostProfile | undefined; diagnostics: Diagnostic[] } {
  const src = new SourceFile(file, text);
  const ids: string[] = [];
  const diagnostics: Diagnostic[] = [];
  let kernel: string | undefined;
  const lineRe = /([^\r\n]*)(\r\n|\r|\n|$)/g;
  let lineStart = 0;
  for (let m = lineRe.exec(text); m && lineStart <= text.length; m = lineRe.exec(text)) {
    const raw = m[1];
    const thisStart = lineStart;
    lineStart = m.index + m[0].length;
    if (m[0].length === 0) lineRe.lastIndex++;
    const km = /^\s*#\s*kernel[:\s]\s*([0-9][0-9.]*(?:-[a-z0-9][a-z0-9_.-]*)?)/i.exec(raw);
    if (km) kernel = km[1];
    const body = raw.replace(/(#|\/\/).*$/, '').replace(/\/\*.*?\*\//g, '').trim();
    if (body === '') {
      if (m[0].length === 0) break;
      continue;
    }
    // `0x603000000013c103 TCR2_EL1`, `\tARM64_SYS_REG(3, 0, 2, 0, 3),\t/* TCR2_EL1 */`
    const first = /^(0x[0-9a-f]{1,16}|[0-9a-f]{16}|[A-Z0-9_]+\([^)]*\)|KVM_REG_[^,]*)/i.exec(body);
    const tok = first ? first[1] : body;
    let id = parseCaptureToken(tok);
    if (id === undefined && /^0x[0-9a-f]{1,15}$/i.test(tok)) id = BigInt(tok);
    if (id === undefined) {
      const start = thisStart + raw.indexOf(body.charAt(0));
      diagnostics.push({
        code: 'MTC2111',
        severity: catalogCodes.MTC2111.severity,
        file,
        span: src.span(start, start + body.length),
        // The span says where; the message never repeats the line (the file may not be a register list at all).
        message: `captured register list: line ${src.position(start).line} is not a register id`,
        help: 'write one id per line, e.g. `0x603000000013c103` or `ARM64_SYS_REG(3, 0, 2, 0, 3)`',
      });
      continue;
    }
    if (id !== null) ids.push(idHex(id));
  }
  if (diagnostics.length) return { profile: undefined, diagnostics };
  if (ids.length === 0) return { profile: undefined, diagnostics: [emptyCapture(file)] };
  const d: ProfileData = { name, registers: [...new Set(ids)] };
  if (kernel) d.kernel = kernel;
  return { profile: profileFromData(d, file), diagnostics: [] };
}
