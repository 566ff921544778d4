/**
 * `mtc diff` without the command line: open both trees (git revisions or
 * directories), compile them, compare the models, the generated C and the
 * migration matrix, apply the breaking-change rules and the waivers, and
 * return a DiffReport. Never writes anything.
 *
 * Over 400 lines: the one orchestration of a review; what each step does
 * (semantic diff, causes, rules, matrix, renderers) lives in this folder's
 * other files, and what stays here is the order and the data between them.
 */
import { statSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { Catalog } from '../catalog/types.js';
import type { KernelHistory } from '../catalog/history.js';
import { HISTORY_EXTRA } from '../validate/catalog-support.js';
import { compile } from '../compile.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { generate } from '../emit/build.js';
import { QEMU_EXTRA } from '../qemu/context.js';
import { selectQemu, type QemuSelection } from '../qemu/select.js';
import { nodeFileSystem, type FileSystem } from '../resolve/load.js';
import type { CTarget, Model } from '../resolve/model.js';
import { machinesFromDocument } from '../simulate/document.js';
import { loadHosts, type HostModel } from '../simulate/hosts.js';
import { type MachineModel } from '../simulate/types.js';
import type { ReleaseModel } from '../qemu/releases.js';
import { findRelease, newestRelease } from '../qemu/releases.js';
import type { Limits } from '../util/limits.js';
import { reviewCodes } from './codes.js';
import { CONFIG_NAME, emptyConfig, findConfig, globMatch, readConfig, type ReviewConfig, type Waiver } from './config.js';
import { reviewHosts } from './tree-hosts.js';
import { GitError, GitTreeFileSystem, repositoryOf, resolveCommit } from './git-fs.js';
import { compareMatrices } from './matrix.js';
import { attachPairs, groupCauses, toCause } from './causes.js';
import type { DiffReport, Finding, GeneratedDiff, Location, MachineSummary, MatrixChange, ReportDiagnostic, TreeInfo, Verdict } from './report-types.js';
import { evaluateRules } from './rules.js';
import { compareModels, type SideInfo } from './semantic.js';
import { unifiedDiff } from '../util/udiff.js';

export interface DiffOptions {
  /** Directory the command runs in: git runs here, relative paths start here. */
  readonly cwd: string;
  /**
   * The tree before the change: a git revision (`base`) or a directory
   * (`baseDir`), exactly one. Which one is always said explicitly: a revision
   * is never replaced by a directory of the same name from the tree under
   * review (a pull request could add one named `HEAD` or like the base sha).
   */
  readonly base?: string;
  readonly baseDir?: string;
  /** The tree after the change: a git revision (`head`) or a directory (`headDir`), at most one; default: the working tree (`cwd`). */
  readonly head?: string;
  readonly headDir?: string;
  /** Rule files or directories inside each tree (default `rules`). */
  readonly paths?: readonly string[];
  /** Config file relative to each tree's root (default: rules/mtc.yaml, then mtc.yaml). */
  readonly config?: string;
  /** Host profile files or directories (real file system); default: the configs' `hosts` (read from each tree), else the built-in profiles. */
  readonly hosts?: readonly string[];
  /** Or the hosts themselves (tests). */
  readonly hostModels?: readonly HostModel[];
  /** QEMU releases of the matrix's KVM sources and destinations (default: the newest on both). */
  readonly from?: ReleaseModel;
  readonly to?: ReleaseModel;
  /** The QEMU both trees are checked against (`--qemu`, a built-in profile, or `--qemu-tree`); default: each tree's mtc.yaml `qemu:`. */
  readonly qemuSelection?: QemuSelection;
  readonly catalog: Catalog;
  /** The kernel history of both trees' checks and of the matrix's hosts (`--history`); default: the built-in one. */
  readonly history?: KernelHistory;
  readonly defaultTarget?: CTarget;
  readonly limits?: Limits;
}

export interface DiffResult {
  readonly report: DiffReport;
  /** 0 no breaking change, 1 breaking changes or a head tree with errors, 2 the base cannot be read or compiled. */
  readonly exitCode: 0 | 1 | 2;
}

/** A rule tree: where it is and how to read it. */
export interface RuleTree {
  readonly info: TreeInfo;
  readonly fs: FileSystem;
  /** Project root inside `fs`. */
  readonly root: string;
  /** Prefix that makes a tree-relative path repository- (or cwd-) relative. */
  readonly prefix: string;
}

export class TreeError extends Error {}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Which tree to open: a git revision or a directory, as the user said; undefined is the working tree. */
export type TreeSpec = { readonly rev: string } | { readonly dir: string } | undefined;

/** The tree spec of one side from the options, or a message when both forms are given. */
export function treeSpec(rev: string | undefined, dir: string | undefined, side: 'base' | 'head'): TreeSpec | string {
  if (rev !== undefined && dir !== undefined) return `give --${side} (a git revision) or --${side}-dir (a directory), not both`;
  if (dir !== undefined) return { dir };
  if (rev !== undefined) return { rev };
  return undefined;
}

/** Opens a tree relative to `cwd`: a revision is only ever a revision, a directory only ever a directory. */
export function openTree(cwd: string, spec: TreeSpec, side: 'base' | 'head' = 'base'): RuleTree {
  if (spec === undefined) {
    let prefix = '';
    try {
      prefix = repositoryOf(cwd).prefix;
    } catch {
      // not in a repository: paths stay relative to cwd
    }
    return { info: { kind: 'worktree', spec: '.', commit: null }, fs: nodeFileSystem, root: cwd, prefix };
  }
  if ('dir' in spec) {
    const abs = nodePath.resolve(cwd, spec.dir);
    if (!isDir(abs)) throw new TreeError(`--${side}-dir \`${spec.dir}\` is not a directory`);
    const rel = nodePath.relative(cwd, abs).split(nodePath.sep).join('/');
    return { info: { kind: 'dir', spec: spec.dir, commit: null }, fs: nodeFileSystem, root: abs, prefix: rel.startsWith('..') ? '' : rel };
  }
  const rev = spec.rev;
  // Said only when the revision does not resolve: a directory of that name is never used in its place.
  const dirHint = isDir(nodePath.resolve(cwd, rev)) ? `; a directory \`${rev}\` exists, but a directory is compared only when given with --${side}-dir` : '';
  let repo: { top: string; prefix: string };
  try {
    repo = repositoryOf(cwd);
  } catch {
    throw new TreeError(`--${side} \`${rev}\` is a git revision, and ${cwd} is not in a git repository${dirHint}`);
  }
  let commit: string;
  try {
    commit = resolveCommit(cwd, rev);
  } catch (e) {
    throw new TreeError(`--${side} \`${rev}\` is not a git revision of this repository (${(e as GitError).message})${dirHint}`);
  }
  const fs = new GitTreeFileSystem(cwd, commit);
  return { info: { kind: 'git', spec: rev, commit }, fs, root: repo.prefix ? `${fs.root}/${repo.prefix}` : fs.root, prefix: repo.prefix };
}

function joinPrefix(prefix: string, file: string): string {
  return prefix ? `${prefix}/${file}` : file;
}

function toReportDiagnostic(d: Diagnostic, side: ReportDiagnostic['side'], prefix: string): ReportDiagnostic {
  const location: Location | null = d.file
    ? d.span
      ? { file: joinPrefix(prefix, d.file), line: d.span.start.line, column: d.span.start.column, endLine: d.span.end.line, endColumn: d.span.end.column }
      : { file: joinPrefix(prefix, d.file), line: 1, column: 1 }
    : null;
  return { side, code: d.code, severity: d.severity, message: d.message, location };
}

interface Compiled {
  readonly model?: Model;
  readonly files: ReadonlyMap<string, string>;
  readonly machines: readonly MachineModel[];
  readonly diagnostics: Diagnostic[];
  readonly config: ReviewConfig;
  readonly configDiagnostics: Diagnostic[];
}

function compileTree(tree: RuleTree, opts: DiffOptions): Compiled {
  const paths = opts.paths && opts.paths.length > 0 ? opts.paths : ['rules'];
  const found = findConfig(tree.fs, tree.root, paths, opts.config);
  let config = emptyConfig;
  const configDiagnostics = [...found.diagnostics];
  if (found.abs) {
    const display = nodePath.posix.relative(tree.root, found.abs.split(nodePath.sep).join('/')) || 'mtc.yaml';
    const r = readConfig(tree.fs, found.abs, display);
    config = { ...r.config, waivers: r.config.waivers.map((w) => ({ ...w, file: joinPrefix(tree.prefix, w.file) })) };
    for (const x of r.diagnostics) configDiagnostics.push(x);
  }
  // The QEMU of the checks: the command line's, else the tree's own `qemu:` (a built-in profile; the
  // tree under review can name one, never a path on the runner).
  const qemu = selectQemu(opts.qemuSelection ?? {}, { ...(config.file ? { file: config.file } : {}), ...(config.qemu !== undefined ? { qemu: config.qemu } : {}), families: config.families ?? new Map() });
  for (const d of qemu.diagnostics) configDiagnostics.push(d);
  const result = compile(paths, { catalog: opts.catalog, root: tree.root, fs: tree.fs, defaultTarget: opts.defaultTarget, limits: opts.limits, extras: new Map<string, unknown>([[QEMU_EXTRA, qemu.context], ...(opts.history ? [[HISTORY_EXTRA, opts.history] as const] : [])]) });
  const diagnostics = result.diagnostics.filter((d) => d.severity !== 'note');
  if (!result.model || result.diagnostics.some((d) => d.severity === 'error')) return { files: new Map(), machines: [], diagnostics, config, configDiagnostics };
  const gen = generate(result.model, { qemu: qemu.context });
  for (const x of gen.diagnostics) diagnostics.push(x);
  const doc = gen.files.get('mtc-build.json');
  const machines = doc ? machinesFromDocument(JSON.parse(doc)) : [];
  return { model: result.model, files: gen.files, machines, diagnostics, config, configDiagnostics };
}

/** The C outputs that differ, as unified diffs (`a/` and `b/` labels as git writes them). */
export function generatedDiffs(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): GeneratedDiff[] {
  const paths = [...new Set([...base.keys(), ...head.keys()])].filter((p) => p.endsWith('.c')).sort();
  const out: GeneratedDiff[] = [];
  for (const p of paths) {
    const a = base.get(p);
    const b = head.get(p);
    if (a === b) continue;
    const status = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
    out.push({ path: p, status, diff: unifiedDiff(a ?? '', b ?? '', { fromLabel: a === undefined ? '/dev/null' : `a/${p}`, toLabel: b === undefined ? '/dev/null' : `b/${p}` }) });
  }
  return out;
}

const severityRank = { error: 0, warning: 1, note: 2 } as const;

/**
 * Whether glob `outer` matches every text glob `inner` matches: `outer` matches `inner` with each star of
 * `inner` read as a character `outer` does not contain, which only a star of `outer` can take.
 */
function globCovers(outer: string, inner: string): boolean {
  let fresh = 0xe000;
  while (outer.includes(String.fromCharCode(fresh))) fresh++;
  return globMatch(outer, inner.replaceAll('*', String.fromCharCode(fresh)));
}

/** Whether waiver `b` waives everything `w` does (same rule, a machine pattern and subject at least as wide). */
function waiverCovers(b: Waiver, w: Waiver): boolean {
  return b.rule === w.rule && globCovers(b.machine, w.machine) && (b.subject === undefined || (w.subject !== undefined && globCovers(b.subject, w.subject)));
}

export function runDiff(opts: DiffOptions): DiffResult {
  const diagnostics: ReportDiagnostic[] = [];
  let baseTree: RuleTree;
  let headTree: RuleTree;
  const infoOf = (spec: TreeSpec | string): TreeInfo =>
    spec === undefined || typeof spec === 'string' ? { kind: 'worktree', spec: '.', commit: null } : 'dir' in spec ? { kind: 'dir', spec: spec.dir, commit: null } : { kind: 'git', spec: spec.rev, commit: null };
  const baseSpec = treeSpec(opts.base, opts.baseDir, 'base');
  const headSpec = treeSpec(opts.head, opts.headDir, 'head');
  const bad = (side: 'base' | 'head', message: string) => failed(infoOf(baseSpec), infoOf(headSpec), [{ side, code: reviewCodes.MTC5051.code, severity: 'error', message, location: null }], 2);
  if (typeof baseSpec === 'string') return bad('base', baseSpec);
  if (baseSpec === undefined) return bad('base', 'give the tree before the change: --base REV (a git revision) or --base-dir DIR (a directory)');
  if (typeof headSpec === 'string') return bad('head', headSpec);
  try {
    baseTree = openTree(opts.cwd, baseSpec, 'base');
  } catch (e) {
    if (!(e instanceof TreeError || e instanceof GitError)) throw e;
    return bad('base', e.message);
  }
  try {
    headTree = openTree(opts.cwd, headSpec, 'head');
  } catch (e) {
    if (!(e instanceof TreeError || e instanceof GitError)) throw e;
    return failed(baseTree.info, infoOf(headSpec), [{ side: 'head', code: reviewCodes.MTC5051.code, severity: 'error', message: e.message, location: null }], 2);
  }

  const base = compileTree(baseTree, opts);
  const head = compileTree(headTree, opts);
  for (const x of base.configDiagnostics.map((d) => toReportDiagnostic(d, 'base', baseTree.prefix))) diagnostics.push(x);
  for (const x of head.configDiagnostics.map((d) => toReportDiagnostic(d, 'head', headTree.prefix))) diagnostics.push(x);
  for (const x of base.diagnostics.map((d) => toReportDiagnostic(d, 'base', baseTree.prefix))) diagnostics.push(x);
  for (const x of head.diagnostics.map((d) => toReportDiagnostic(d, 'head', headTree.prefix))) diagnostics.push(x);
  const baseBroken = !base.model || base.configDiagnostics.some((d) => d.severity === 'error');
  // A head that `mtc build` would refuse fails the gate, whatever it changes; a base with errors of
  // its own (older rules under a stricter mtc) is still compared when it has a model.
  const headBroken = !head.model || head.configDiagnostics.some((d) => d.severity === 'error') || head.diagnostics.some((d) => d.severity === 'error');
  if (baseBroken || headBroken) {
    const which = [baseBroken ? 'base' : '', headBroken ? 'head' : ''].filter(Boolean).join(' and ');
    diagnostics.unshift({ side: baseBroken ? 'base' : 'head', code: reviewCodes.MTC5052.code, severity: 'error', message: `the ${which} tree has errors; nothing was compared`, location: null });
    return failed(baseTree.info, headTree.info, diagnostics, baseBroken ? 2 : 1);
  }

  // Hosts for the matrix: --hosts (the command line, trusted), else the configs' `hosts:`, each read
  // from its own tree and confined to it (tree-hosts.ts), else the built-in profiles.
  let hosts: readonly HostModel[];
  if (opts.hostModels) hosts = opts.hostModels;
  else if (opts.hosts && opts.hosts.length > 0) {
    const r = loadHosts(opts.hosts, { catalog: opts.catalog, history: opts.history });
    for (const x of r.diagnostics.map((d) => toReportDiagnostic(d, 'config', ''))) diagnostics.push(x);
    if (r.diagnostics.some((d) => d.severity === 'error')) return failed(baseTree.info, headTree.info, diagnostics, 2);
    hosts = r.hosts;
  } else {
    // Paths in these diagnostics are repository-relative already.
    const side = (t: RuleTree, c: ReviewConfig) => ({ tree: t, entries: c.hosts, configFile: joinPrefix(t.prefix, c.file ?? CONFIG_NAME) });
    const r = reviewHosts(side(baseTree, base.config), side(headTree, head.config), opts.catalog, opts.history);
    for (const d of r.diagnostics) diagnostics.push(toReportDiagnostic(d, 'config', ''));
    if (r.diagnostics.some((d) => d.severity === 'error')) return failed(baseTree.info, headTree.info, diagnostics, 2);
    hosts = r.hosts;
  }

  const baseSide: SideInfo = { model: base.model!, file: (f) => joinPrefix(baseTree.prefix, f) };
  const headSide: SideInfo = { model: head.model!, file: (f) => joinPrefix(headTree.prefix, f) };
  const changes = compareModels(baseSide, headSide);
  const ends = matrixReleases(base.config, head.config);
  for (const d of ends.diagnostics) diagnostics.push(d);
  if (ends.diagnostics.some((d) => d.severity === 'error')) return failed(baseTree.info, headTree.info, diagnostics, 2);
  const simOpts = { from: opts.from ?? ends.from, to: opts.to ?? ends.to, regValues: new Map<bigint, bigint>(), catalog: opts.catalog };
  const rawMatrix: MatrixChange | null = hosts.length >= 2 ? compareMatrices(base.machines, head.machines, hosts, simOpts, changes) : null;

  const released = [...new Set([...base.config.released, ...head.config.released])].sort();
  const isReleased = (m: string) => released.some((p) => globMatch(p, m));
  const allNames = [...new Set([...head.model!.machines.map((m) => m.name), ...base.model!.machines.map((m) => m.name)])];
  for (const p of released)
    if (!allNames.some((n) => globMatch(p, n)))
      diagnostics.push({ side: 'config', code: reviewCodes.MTC5054.code, severity: 'warning', message: `\`released: ${p}\` matches no machine type`, location: null });

  const headBy = new Map(head.model!.machines.map((m) => [m.name, m]));
  const baseBy = new Map(base.model!.machines.map((m) => [m.name, m]));
  const machineLocation = (name: string): Location | null => {
    const h = headBy.get(name);
    if (h) return { file: headSide.file(h.source.file), line: h.source.line, column: h.source.column };
    const b = baseBy.get(name);
    return b ? { file: baseSide.file(b.source.file), line: b.source.line, column: b.source.column } : null;
  };
  // One cause per rule change, with the machine types and pairs it affects (causes.ts).
  const causes = groupCauses({ changes, base: base.model!, head: head.model!, machineLocation });
  const matrix = attachPairs(causes, rawMatrix);
  const { findings: unsorted, unusedWaivers, pendingWaivers } = evaluateRules({ causes, matrix, isReleased, machineLocation, waivers: head.config.waivers, baseWaivers: base.config.waivers });
  // The report says which waivers the change adds or widens: they waive nothing until they are on the base branch.
  // A head waiver that a base waiver covers (the same, or narrowed) is not new: it takes effect at once.
  for (const w of head.config.waivers) {
    if (base.config.waivers.some((b) => waiverCovers(b, w))) continue;
    const n = pendingWaivers.get(w) ?? 0;
    diagnostics.push({
      side: 'config',
      code: reviewCodes.MTC5055.code,
      severity: 'warning',
      message: `waiver of ${w.rule} for ${w.machine}${w.subject ? ` (${w.subject})` : ''} is added or widened by this change: it waives nothing until it is on the base branch${n > 0 ? `; the ${n} finding${n === 1 ? '' : 's'} it would waive stay${n === 1 ? 's' : ''} breaking` : ''}`,
      location: { file: w.file, line: w.line, column: 1 },
    });
  }
  for (const w of unusedWaivers)
    diagnostics.push({
      side: 'config',
      code: reviewCodes.MTC5053.code,
      severity: 'warning',
      message: `waiver of ${w.rule} for ${w.machine}${w.subject ? ` (${w.subject})` : ''} matches no finding`,
      location: { file: w.file, line: w.line, column: 1 },
    });

  const order = new Map(allNames.map((n, i) => [n, i]));
  const findings: Finding[] = unsorted
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank[a.f.severity] - severityRank[b.f.severity] || (order.get(a.f.machine ?? '') ?? -1) - (order.get(b.f.machine ?? '') ?? -1) || (a.f.rule < b.f.rule ? -1 : a.f.rule > b.f.rule ? 1 : 0) || a.i - b.i)
    .map((x) => x.f);

  const generated = generatedDiffs(base.files, head.files);
  const machines: MachineSummary[] = allNames.map((name) => {
    const n = changes.filter((c) => c.machine === name).length;
    const status = !baseBy.has(name) ? 'added' : !headBy.has(name) ? 'removed' : n > 0 ? 'changed' : 'unchanged';
    return { name, status, released: isReleased(name), changes: n };
  });

  const breaking = findings.filter((f) => f.severity === 'error' && !f.waived).length;
  const counts = {
    breaking,
    waived: findings.filter((f) => f.waived).length,
    warnings: findings.filter((f) => f.severity === 'warning' && !f.waived).length,
    fixes: matrix?.newlyPassing.length ?? 0,
    changes: changes.length,
    causes: causes.length,
    machinesChanged: machines.filter((m) => m.status === 'changed').length,
    machinesAdded: machines.filter((m) => m.status === 'added').length,
    machinesRemoved: machines.filter((m) => m.status === 'removed').length,
  };
  const matrixChanged = matrix !== null && matrix.newlyFailing.length + matrix.newlyPassing.length + matrix.newlyUnsupported.length > 0;
  const verdict: Verdict = breaking > 0 ? 'breaking' : changes.length === 0 && generated.length === 0 && !matrixChanged ? 'no-changes' : 'compatible';
  const report: DiffReport = {
    format: 'mtc-diff',
    version: 2,
    base: baseTree.info,
    head: headTree.info,
    verdict,
    counts,
    released,
    machines,
    changes: changes.map((change) => {
      const { ids: _ids, rule: _rule, ...c } = change;
      return { ...c, cause: causes.find((k) => k.changes.includes(change) || k.effects.includes(change))?.id ?? '' };
    }),
    causes: causes.map((k) => toCause(k, isReleased)),
    findings,
    matrix,
    generated,
    diagnostics,
  };
  return { report, exitCode: breaking > 0 ? 1 : 0 };
}

function failed(base: TreeInfo, head: TreeInfo, diagnostics: ReportDiagnostic[], exitCode: 1 | 2): DiffResult {
  return {
    exitCode,
    report: {
      format: 'mtc-diff',
      version: 2,
      base,
      head,
      verdict: 'error',
      counts: { breaking: 0, waived: 0, warnings: 0, fixes: 0, changes: 0, causes: 0, machinesChanged: 0, machinesAdded: 0, machinesRemoved: 0 },
      released: [],
      machines: [],
      changes: [],
      causes: [],
      findings: [],
      matrix: null,
      generated: [],
      diagnostics,
    },
  };
}

/**
 * The QEMU releases of the matrix when the command line names none: the base
 * configuration's `simulate:` (else the release of its `qemu:`), else the
 * newest. The base is the trusted side; a head that sets others gets MTC5058.
 */
function matrixReleases(baseConfig: ReviewConfig, headConfig: ReviewConfig): { from: ReleaseModel; to: ReleaseModel; diagnostics: ReportDiagnostic[] } {
  const diagnostics: ReportDiagnostic[] = [];
  const wanted = (c: ReviewConfig) => ({
    from: c.simulate?.fromQemu ?? c.simulate?.qemu ?? c.qemu,
    to: c.simulate?.toQemu ?? c.simulate?.qemu ?? c.qemu,
  });
  const b = wanted(baseConfig);
  const h = wanted(headConfig);
  const pick = (v: string | undefined, key: string): ReleaseModel => {
    if (v === undefined) return newestRelease();
    const r = findRelease(v);
    if (r) return r;
    diagnostics.push({ side: 'base', code: reviewCodes.MTC5050.code, severity: 'error', message: `${baseConfig.file ?? CONFIG_NAME}: \`${key}: ${v}\` is not a QEMU release mtc models (catalog/qemu/releases.yaml)`, location: null });
    return newestRelease();
  };
  const from = pick(b.from, baseConfig.simulate?.fromQemu !== undefined ? 'simulate.from-qemu' : baseConfig.simulate?.qemu !== undefined ? 'simulate.qemu' : 'qemu');
  const to = pick(b.to, baseConfig.simulate?.toQemu !== undefined ? 'simulate.to-qemu' : baseConfig.simulate?.qemu !== undefined ? 'simulate.qemu' : 'qemu');
  const same = (x: string | undefined, y: string | undefined) => (x === undefined ? newestRelease() : findRelease(x))?.id === (y === undefined ? newestRelease() : findRelease(y))?.id;
  if (!same(b.from, h.from) || !same(b.to, h.to))
    diagnostics.push({
      side: 'head',
      code: reviewCodes.MTC5058.code,
      severity: 'warning',
      message: `the change sets QEMU ${h.from ?? newestRelease().id} -> ${h.to ?? newestRelease().id} for the migration matrix; the base's ${from.id} -> ${to.id} is used until it is merged`,
      location: null,
    });
  return { from, to, diagnostics };
}
