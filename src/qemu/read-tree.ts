/**
 * QEMU tree → QemuProfile. Everything comes from the tree: its VERSION, the
 * naming and lifecycle macros of boards.h (wherever the tree keeps it), the
 * machine files and their registration macros, the tolerance API and the
 * tolerances QEMU registers by itself, and the places the tolerance hook of
 * the virt machine must go.
 *
 * Over 400 lines: one reader of one tree; each part (version, boards.h
 * macros, machine files, the tolerance API, QEMU's own registrations) is a
 * function here, and they share the tree's parsed C sources.
 *
 * May import: src/catalog/regid.ts (register encodings), this folder.
 */
import { encodeId, encodeSysreg, idHex } from '../catalog/regid.js';
import { CSource, type FunctionDef } from './c-source.js';
import {
  QEMU_PROFILE_FORMAT,
  QEMU_PROFILE_VERSION,
  type BuiltinTolerance,
  type Lifecycle,
  type Loc,
  type Naming,
  type ProfileFamily,
  type ProfileMachineType,
  type QemuProfile,
  type TolerancesScope,
  type ToleranceApi,
  type VirtHooks,
} from './profile.js';
import { TreeError, TreeFiles } from './tree-files.js';

export { TreeError } from './tree-files.js';

/** Machine files mtc knows how to patch, with the guest architecture of their families. */
export const MACHINE_FILES: readonly { readonly file: string; readonly arch: 'aarch64' | 'x86_64' }[] = [
  { file: 'hw/arm/virt.c', arch: 'aarch64' },
  { file: 'hw/i386/pc_q35.c', arch: 'x86_64' },
  { file: 'hw/i386/pc_piix.c', arch: 'x86_64' },
];

const BOARDS_HEADERS = ['include/hw/core/boards.h', 'include/hw/boards.h'];
const VIRT_HEADER = 'include/hw/arm/virt.h';
export const TOLERANCE_FN = 'arm_register_cpreg_mig_tolerance';

export interface ReadTreeOptions {
  /** Recorded as the profile's `source`. */
  readonly source?: string;
}

class Reader {
  private readonly cache = new Map<string, CSource | undefined>();
  constructor(readonly files: TreeFiles) {}

  src(rel: string): CSource | undefined {
    if (!this.cache.has(rel)) {
      const text = this.files.read(rel);
      this.cache.set(rel, text === undefined ? undefined : new CSource(rel, text));
    }
    return this.cache.get(rel);
  }

  need(rel: string): CSource {
    const s = this.src(rel);
    if (!s) throw new TreeError('missing: this does not look like a QEMU source tree', rel);
    return s;
  }
}

/** Reads a QEMU source tree. Throws TreeError (with the file) when the tree cannot be read. */
export function readQemuTree(dir: string, opts: ReadTreeOptions = {}): QemuProfile {
  const files = new TreeFiles(dir);
  const r = new Reader(files);
  const versionText = files.read('VERSION');
  if (versionText === undefined) throw new TreeError('missing: this does not look like a QEMU source tree', 'VERSION');
  const qemu = versionText.trim();
  if (!/^[0-9]+\.[0-9]+\.[0-9]+$/.test(qemu)) throw new TreeError(`unexpected content (a QEMU VERSION is three numbers)`, 'VERSION');

  const boardsFile = BOARDS_HEADERS.find((f) => files.has(f)) ?? null;
  const boards = boardsFile ? r.need(boardsFile) : undefined;
  const naming = readNaming(boards);
  const lifecycle = readLifecycle(boards);
  const tolApi = readToleranceApi(r);
  const families = MACHINE_FILES.flatMap(({ file, arch }) => {
    const s = r.src(file);
    return s ? readFamilies(s, arch, naming, lifecycle, qemu) : [];
  });
  return {
    format: QEMU_PROFILE_FORMAT,
    version: QEMU_PROFILE_VERSION,
    qemu,
    kind: naming.typeInfix === '-' ? 'upstream' : 'rhel',
    source: opts.source ?? null,
    headers: { boards: boardsFile, virt: files.has(VIRT_HEADER) ? VIRT_HEADER : null },
    naming,
    lifecycle,
    compatApplied: readCompatApplied(r),
    interfaces: { xMig: readXMig(r), tolerances: tolApi },
    tolerances: tolApi ? readBuiltinTolerances(r) : [],
    virt: readVirtHooks(r, tolApi),
    families,
  };
}

function directiveBody(s: CSource, name: string): { text: string; line: number } | undefined {
  const re = new RegExp(`^#\\s*define\\s+${name}\\b`);
  const d = s.directives.find((x) => re.test(x.text));
  return d ? { text: d.text, line: d.line } : undefined;
}

/** The literal text of a directive, string contents included (directives in `code` are blanked). */
function rawDirective(s: CSource, line: number): string {
  let out = '';
  for (let l = line; l <= s.lineCount; l++) {
    const t = s.lineText(l);
    out += t.replace(/\\\s*$/, ' ');
    if (!/\\\s*$/.test(t)) break;
  }
  return out.replace(/\/\*.*?\*\//g, ' ');
}

function readNaming(boards: CSource | undefined): Naming {
  const fallback: Naming = { typeInfix: '-', symbolInfix: '_machine_', at: { file: boards?.path ?? 'include/hw/boards.h', line: 0 } };
  if (!boards) return fallback;
  const t = directiveBody(boards, '_MACHINE_VER_TYPE_NAME2');
  const y = directiveBody(boards, '_MACHINE_VER_SYM2');
  if (!t || !y) return fallback;
  const typeRaw = rawDirective(boards, t.line);
  const mType = /prefix\s+"([^"]*)"\s*#\s*major/.exec(typeRaw);
  const mSym = /prefix\s*##\s*(\w+)\s*##\s*major/.exec(y.text);
  return { typeInfix: mType ? mType[1]! : '-', symbolInfix: mSym ? mSym[1]! : '_machine_', at: { file: boards.path, line: t.line } };
}

function readLifecycle(boards: CSource | undefined): Lifecycle {
  if (!boards) return { scheme: 'unknown', deprecationMajor: null, deletionMajor: null, deletionFrom: null, at: null };
  const num = (name: string) => {
    const d = directiveBody(boards, name);
    const m = d ? new RegExp(`${name}\\s+([0-9]+)`).exec(d.text) : null;
    return m ? Number(m[1]) : null;
  };
  const impl = directiveBody(boards, '_MACHINE_VER_IS_EXPIRED_IMPL');
  const scheme = !impl ? 'unknown' : /RHEL_VERSION/.test(impl.text) ? 'rhel-version' : /QEMU_VERSION_(MAJOR|MINOR|MICRO)|_MACHINE_VER_IS_CURRENT_EXPIRED/.test(impl.text) ? 'qemu-version' : 'unknown';
  const del = directiveBody(boards, 'MACHINE_VER_DELETION_MAJOR');
  // 10.0's MACHINE_VER_DELETION returns early only with QEMU_DELETE_MACHINES set or from 10.1 on.
  const gate = directiveBody(boards, 'MACHINE_VER_DELETION');
  const g = gate ? /QEMU_VERSION_MAJOR\s*==\s*([0-9]+)\s*&&\s*QEMU_VERSION_MINOR\s*>=\s*([0-9]+)/.exec(gate.text) : null;
  return {
    scheme,
    deprecationMajor: num('MACHINE_VER_DEPRECATION_MAJOR'),
    deletionMajor: num('MACHINE_VER_DELETION_MAJOR'),
    deletionFrom: g ? `${g[1]}.${g[2]}` : null,
    at: del ? { file: boards.path, line: del.line } : null,
  };
}

/** boards.h's _MACHINE_VER_IS_CURRENT_EXPIRED for a release tree (micro < 50). */
function expired(cutoff: number, tree: readonly number[], major: number, minor: number): boolean {
  const [tMajor = 0, tMinor = 0, tMicro = 0] = tree;
  if (tMicro >= 50) {
    // Development snapshots count as the next release.
    const next = tMinor < 2 ? [tMajor, tMinor + 1] : [tMajor + 1, 0];
    return next[0]! - major > cutoff || (next[0]! - major === cutoff && next[1]! - minor >= 0);
  }
  return tMajor - major > cutoff || (tMajor - major === cutoff && tMinor - minor >= 0);
}

function readFamilies(s: CSource, arch: 'aarch64' | 'x86_64', naming: Naming, life: Lifecycle, qemu: string): ProfileFamily[] {
  const treeVersion = qemu.split('.').map(Number);
  const fns = s.functions();
  const optionsRe = new RegExp(`^([a-z][a-z0-9_]*?)${naming.symbolInfix}([0-9]+(?:_[0-9]+)*)_options$`);
  // Registration macro calls at file level: DEFINE_X_MACHINE(...), _AS_LATEST, _BUGFIX.
  const regRe = /^(DEFINE_[A-Z0-9_]+_MACHINE(?:_AS_LATEST|_BUGFIX)?)[ \t]*\(([^)]*)\)[ \t]*(;?)/gm;
  const byPrefix = new Map<string, { types: ProfileMachineType[]; macro?: string; latestMacro?: string; arity?: number; semicolon?: boolean }>();
  let m: RegExpExecArray | null;
  while ((m = regRe.exec(s.code))) {
    const line = s.lineOf(m.index);
    if (s.enclosingFunction(m.index)) continue;
    const version = m[2]!.split(',').map((x) => x.trim());
    if (!version.every((v) => /^[0-9]+$/.test(v))) continue;
    const v = version.map(Number);
    // The options function: the last function defined before the macro.
    let fn: FunctionDef | undefined;
    for (const f of fns) if (f.close < m.index) fn = f;
    const om = fn ? optionsRe.exec(fn.name) : null;
    if (!fn || !om || om[2] !== v.join('_')) continue;
    const prefix = om[1]!;
    const macro = m[1]!;
    const latest = macro.endsWith('_AS_LATEST');
    const body = s.code.slice(fn.open + 1, fn.close);
    const compatArrays = [...body.matchAll(/compat_props_add\s*\(\s*\w+\s*->\s*compat_props\s*,\s*(\w+)\s*,/g)].map((x) => x[1]!);
    const param = /\*\s*(\w+)\s*$/.exec(fn.params)?.[1] ?? 'mc';
    const fam = byPrefix.get(prefix) ?? { types: [] };
    byPrefix.set(prefix, fam);
    const base = macro.replace(/_(AS_LATEST|BUGFIX)$/, '');
    if (!macro.endsWith('_BUGFIX')) {
      if (latest) fam.latestMacro = macro;
      else fam.macro = macro;
      fam.arity ??= v.length;
      fam.semicolon ??= m[3] === ';';
    } else fam.macro ??= base;
    const qemuScheme = life.scheme === 'qemu-version';
    const [tMajor = 0, tMinor = 0] = treeVersion;
    const from = life.deletionFrom?.split('.').map(Number);
    const deletes = !from || tMajor > from[0]! || (tMajor === from[0]! && tMinor >= from[1]!);
    fam.types.push({
      name: '', // filled below, once the type prefix is known
      version: v,
      optionsFn: fn.name,
      param,
      line: fn.line,
      registrationLine: line,
      macro,
      latest,
      compatArrays,
      registered: qemuScheme && life.deletionMajor !== null ? !deletes || !expired(life.deletionMajor, treeVersion, v[0]!, v[1] ?? 0) : null,
      deprecated: qemuScheme && life.deprecationMajor !== null ? expired(life.deprecationMajor, treeVersion, v[0]!, v[1] ?? 0) : null,
    });
  }
  const raw = s.text;
  const out: ProfileFamily[] = [];
  for (const [symbolPrefix, fam] of byPrefix) {
    const typePrefix = typePrefixOf(s, raw, symbolPrefix);
    const name = naming.typeInfix === '-' ? typePrefix : `${typePrefix}${naming.typeInfix}`;
    const types = fam.types.map((t) => ({ ...t, name: `${typePrefix}${naming.typeInfix}${t.version.join('.')}` }));
    const latest = types.find((t) => t.latest)?.name ?? null;
    const macro = fam.macro ?? (fam.latestMacro ?? '').replace(/_AS_LATEST$/, '');
    out.push({
      name,
      arch,
      file: s.path,
      typePrefix,
      symbolPrefix,
      macro,
      latestMacro: fam.latestMacro ?? `${macro}_AS_LATEST`,
      arity: fam.arity ?? 2,
      semicolon: fam.semicolon ?? false,
      alias: aliasOf(s, fam.latestMacro, typePrefix),
      latest,
      compatArraysDefined: [...s.code.matchAll(/^(?:static\s+)?GlobalProperty\s+(\w+)\s*\[\s*\]/gm)].map((x) => ({ name: x[1]!, line: s.lineOf(x.index) })),
      machineTypes: types,
    });
  }
  return out;
}

/** `"virt"` from `MACHINE_VER_TYPE_NAME("virt", ...)`, `"pc-q35"` from `DEFINE_PC_VER_MACHINE(pc_q35, "pc-q35", ...)`. */
function typePrefixOf(s: CSource, raw: string, symbolPrefix: string): string {
  for (const d of s.directives) {
    const text = rawDirective(s, d.line);
    const pc = new RegExp(`\\(\\s*${symbolPrefix}\\s*,\\s*"([^"]+)"`).exec(text);
    if (pc) return pc[1]!;
    const t = new RegExp(`MACHINE_VER_SYM\\(\\s*\\w+\\s*,\\s*${symbolPrefix}\\s*,`).test(text) ? /MACHINE_VER_TYPE_NAME\(\s*"([^"]+)"/.exec(text) : null;
    if (t) return t[1]!;
  }
  void raw;
  return symbolPrefix.replace(/_/g, '-');
}

function aliasOf(s: CSource, latestMacro: string | undefined, typePrefix: string): string | null {
  if (latestMacro) {
    const d = directiveBody(s, latestMacro);
    if (d) {
      const strings = [...rawDirective(s, d.line).matchAll(/"([^"]*)"/g)].map((x) => x[1]!).filter((x) => x !== typePrefix);
      if (strings.length > 0) return strings[0]!;
    }
  }
  for (const d of s.directives) {
    const m = /->alias\s*=\s*"([^"]+)"/.exec(rawDirective(s, d.line));
    if (m) return m[1]!;
  }
  return null;
}

function readCompatApplied(r: Reader): Loc | null {
  for (const file of ['qom/compat-properties.c', 'qom/object.c']) {
    const s = r.src(file);
    if (!s) continue;
    for (const c of s.calls('object_apply_global_props')) {
      if (c.args.some((a) => a.includes('error_abort')) && c.args.some((a) => a.includes('compat_props'))) return { file, line: c.line };
    }
  }
  return null;
}

function readXMig(r: Reader): QemuProfile['interfaces']['xMig'] {
  let hidden: Loc | null = null;
  let safeMissing: Loc | null = null;
  for (const file of r.files.cFiles('target/arm')) {
    const s = r.src(file)!;
    s.text.split('\n').forEach((l, i) => {
      if (hidden === null && /"x-mig-hidden-regs"/.test(l)) hidden = { file, line: i + 1 };
      if (safeMissing === null && /"x-mig-safe-missing-regs"/.test(l)) safeMissing = { file, line: i + 1 };
    });
  }
  return hidden || safeMissing ? { hidden, safeMissing } : null;
}

function readToleranceApi(r: Reader): ToleranceApi | null {
  for (const header of ['target/arm/internals.h', 'target/arm/cpu.h']) {
    const s = r.src(header);
    if (!s) continue;
    const decl = new RegExp(`\\bvoid\\s+${TOLERANCE_FN}\\s*\\(`).exec(s.code);
    if (!decl) continue;
    const types: ToleranceApi['types'][number][] = [];
    const en = /typedef\s+enum\s*\{([^}]*)\}\s*ARMCPRegMigToleranceType\s*;/.exec(s.code);
    if (en) {
      let off = en.index + en[0].indexOf('{') + 1;
      for (const part of en[1]!.split(',')) {
        const name = part.trim().split(/\s|=/)[0]!;
        if (name) types.push({ name, accepted: true, at: { file: header, line: s.lineOf(off + part.indexOf(name)) } });
        off += part.length + 1;
      }
    }
    // The definition and its assertions (which types it accepts, the once-only check).
    let definition: Loc | null = null;
    let assertOnce: Loc | null = null;
    let accepted: Set<string> | undefined;
    for (const file of r.files.cFiles('target/arm')) {
      const c = r.src(file)!;
      const fn = c.functions().find((f) => f.name === TOLERANCE_FN);
      if (!fn) continue;
      definition = { file, line: fn.line };
      for (const a of c.calls('assert')) {
        if (a.offset < fn.open || a.offset > fn.close) continue;
        const arg = a.args[0] ?? '';
        if (/find_mig_tolerance|!\s*\w*find\w*\(/.test(arg)) assertOnce = { file, line: a.line };
        const named = [...arg.matchAll(/type\s*==\s*(\w+)/g)].map((x) => x[1]!);
        if (named.length > 0) accepted = new Set(named);
      }
      break;
    }
    return {
      declaration: { file: header, line: s.lineOf(decl.index) },
      header,
      types: types.map((t) => ({ ...t, accepted: accepted ? accepted.has(t.name) : true })),
      definition,
      assertOnce,
    };
  }
  return null;
}

/** Evaluates the index argument of a tolerance call; undefined when the form is not one mtc knows. */
function evalIndex(expr: string, locals: ReadonlyMap<string, string>, depth = 0): bigint | undefined {
  const e = expr.replace(/\s+/g, '');
  if (depth > 4) return undefined;
  let m = /^ARM64_SYS_REG\(([0-9]+),([0-9]+),([0-9]+),([0-9]+),([0-9]+)\)$/.exec(e);
  if (m) return encodeSysreg({ op0: +m[1]!, op1: +m[2]!, crn: +m[3]!, crm: +m[4]!, op2: +m[5]! });
  m = /^KVM_REG_ARM_FW_FEAT_BMAP_REG\(([0-9]+)\)$/.exec(e);
  if (m) return encodeId({ class: 'fw-bmap', index: +m[1]! });
  m = /^KVM_REG_ARM_FW_REG\(([0-9]+)\)$/.exec(e);
  if (m) return encodeId({ class: 'fw', index: +m[1]! });
  // cpreg_to_kvm_id(ENCODE_CP_REG(cp, is64, ns, crn, crm, opc1, opc2)), target/arm/cpregs.h: the
  // 64-bit flag of an AArch32 cpreg id becomes the U64 size and is cleared from the index.
  m = /^cpreg_to_kvm_id\(ENCODE_CP_REG\(([0-9]+),([0-9]+),([0-9]+),([0-9]+),([0-9]+),([0-9]+),([0-9]+)\)\)$/.exec(e);
  if (m) {
    const [cp, is64, ns, crn, crm, opc1, opc2] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
    const v = ns * 2 ** 29 + (cp << 16) + (crn << 11) + (crm << 7) + (opc1 << 3) + opc2;
    return (is64 ? 0x4030000000000000n : 0x4020000000000000n) | BigInt(v);
  }
  if (/^[A-Za-z_]\w*$/.test(e) && locals.has(e)) return evalIndex(locals.get(e)!, locals, depth + 1);
  return undefined;
}

function evalU64(expr: string): bigint | undefined {
  const e = expr.replace(/\s+/g, '');
  if (e === 'UINT64_MAX' || e === '~0ULL' || e === '~0ull') return 0xffffffffffffffffn;
  const m = /^(0[xX][0-9a-fA-F]+|[0-9]+)(?:[uU]?[lL]{0,2}|[lL]{0,2}[uU]?)$/.exec(e);
  if (!m) return undefined;
  const v = BigInt(m[1]!);
  return v <= 0xffffffffffffffffn ? v : undefined;
}

/** Local `uint64_t name = expr;` declarations of a function body. */
function localsOf(s: CSource, fn: FunctionDef | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!fn) return out;
  const body = s.code.slice(fn.open + 1, fn.close);
  for (const m of body.matchAll(/\b(?:uint64_t|uint32_t)\s+(\w+)\s*=\s*([^;]+);/g)) out.set(m[1]!, m[2]!.replace(/\s+/g, ' ').trim());
  return out;
}

/**
 * Who a tolerance registered by QEMU itself applies to, from where the call
 * is. Known places: a function called from aarch64_host_initfn() (`-cpu host`,
 * and `-cpu max` under a hardware accelerator, target/arm/cpu-max.c) guarded
 * by CONFIG_KVM; a block under `arm_feature(env, ARM_FEATURE_V7)` (every v7
 * CPU, TCG or KVM). Anything else counts as every CPU and accelerator, so a
 * duplicate is never missed.
 */
function scopeOf(fnName: string | null, callers: readonly string[], conditions: readonly string[], guards: readonly string[]): TolerancesScope {
  const kvmOnly = guards.some((g) => /defined\s*\(\s*CONFIG_KVM\s*\)/.test(g) && !/^!/.test(g)) || conditions.some((c) => /^kvm_enabled\(\)$/.test(c));
  const accels: TolerancesScope['accels'] = kvmOnly ? ['kvm'] : ['any'];
  if (fnName === 'aarch64_host_initfn' || callers.includes('aarch64_host_initfn')) return { cpus: 'host', accels };
  if (conditions.some((c) => /arm_feature\s*\(\s*env\s*,\s*ARM_FEATURE_V7\s*\)/.test(c))) return { cpus: 'v7', accels };
  return { cpus: 'all', accels };
}

function readBuiltinTolerances(r: Reader): BuiltinTolerance[] {
  const out: BuiltinTolerance[] = [];
  const all = r.files.cFiles('target/arm').map((f) => r.src(f)!);
  for (const s of all) {
    for (const c of s.calls(TOLERANCE_FN)) {
      const fn = s.enclosingFunction(c.offset);
      if (!fn || fn.name === TOLERANCE_FN || c.args.length !== 5) continue;
      const [, idx, mask, value, type] = c.args as [string, string, string, string, string];
      // Which functions call the one the call is in, in this file or another of target/arm.
      const callers = all.flatMap((o) => o.calls(fn.name).map((k) => o.enclosingFunction(k.offset)?.name)).filter((n): n is string => n !== undefined);
      const guards = [...s.guardsAt(c.offset), ...s.guardsAt(fn.start)].filter((g, i, a) => a.indexOf(g) === i);
      const conditions = s.conditionsAt(c.offset);
      const id = evalIndex(idx, localsOf(s, fn));
      const mk = evalU64(mask);
      const vl = evalU64(value);
      out.push({
        id: id === undefined ? null : idHex(id),
        expression: idx,
        mask: mk === undefined ? null : idHex(mk),
        value: vl === undefined ? null : idHex(vl),
        type,
        at: { file: s.path, line: c.line },
        function: fn.name,
        conditions,
        guards,
        scope: scopeOf(fn.name, [...new Set(callers)].sort(), conditions, guards),
      });
    }
  }
  return out;
}

function readVirtHooks(r: Reader, api: ToleranceApi | null): VirtHooks {
  const h = r.src(VIRT_HEADER);
  let machineClass: VirtHooks['machineClass'] = null;
  if (h) {
    const m = /^struct\s+VirtMachineClass\s*\{/m.exec(h.code);
    if (m) {
      const close = h.matching(m.index + m[0].length - 1);
      if (close > 0) machineClass = { file: VIRT_HEADER, line: h.lineOf(m.index), endLine: h.lineOf(close) };
    }
  }
  const v = r.src('hw/arm/virt.c');
  let cpuRealize: Loc | null = null;
  let includes = false;
  if (v) {
    const init = v.functions().find((f) => f.name === 'machvirt_init');
    if (init) {
      const call = v.calls('qdev_realize').find((c) => c.offset > init.open && c.offset < init.close && /cpuobj/.test(c.args[0] ?? ''));
      if (call) cpuRealize = { file: v.path, line: call.line };
    }
    if (api) includes = v.text.split('\n').some((l) => new RegExp(`^#\\s*include\\s+"${api.header.replace(/[.]/g, '\\.')}"`).test(l));
  }
  return { machineClass, cpuRealize, includesToleranceHeader: includes };
}
