/**
 * `mtc build`: generate every output in memory, then either compare them with
 * the output directory (`--check`) or write them atomically.
 *
 * Outputs (paths relative to the output directory):
 *   c/<family>.c          C snippets for QEMU (x-mig arrays / tolerance functions)
 *   mtc-build.json        the build document (schema/build.schema.json)
 *   docs/<family>.md      Markdown per machine family
 *   docs/index.html       one self-contained HTML page
 *   qemu/mtc.patch        with --qemu-tree: the patch for that QEMU tree (a mail with --signoff)
 *   .mtc-manifest         the files above: what the build owns and may remove
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Model } from '../resolve/model.js';
import { VERSION } from '../version.js';
import { GENERATED_MARKER, emitFamilyC } from './c.js';
import { unifiedDiff } from './diff.js';
import { emitDocs } from './docs.js';
import { emitJson } from './json.js';
import { planBuild } from './plan.js';
import { PATCH_FILE, buildTreePatch, type SignOff, type TreeReadFn } from './qemu-tree.js';
import type { QemuContext } from '../qemu/context.js';

export const MANIFEST = '.mtc-manifest';

/** A file name for a family (families are QEMU machine names, but never trust them with a path). */
export function fileStem(family: string): string {
  const s = family.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]+/, '_');
  return s || '_';
}

export interface GenerateOptions {
  /** The QEMU the build is for: names, scope, and (with `treeRead`) the tree to patch. */
  readonly qemu?: QemuContext;
  /** Reads files of the QEMU tree (`--qemu-tree`): the build then writes qemu/mtc.patch. */
  readonly treeRead?: TreeReadFn;
  /** Makes the patch a `git format-patch`-style mail signed off by this person. */
  readonly signoff?: SignOff;
}

export interface Generated {
  /** Relative path (with `/`) → content; sorted by path; includes the manifest. */
  readonly files: ReadonlyMap<string, string>;
  readonly diagnostics: readonly Diagnostic[];
}

export function manifestText(paths: readonly string[]): string {
  return `# ${GENERATED_MARKER} ${VERSION}: the files this build owns in this directory.\n` + paths.map((p) => p + '\n').join('');
}

export function parseManifest(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && isSafeRelative(l));
}

function isSafeRelative(p: string): boolean {
  return !p.startsWith('/') && !p.split('/').some((s) => s === '..' || s === '' || s === '.') && !p.includes('\\');
}

/** Every output of a build, in memory. Writes nothing. */
export function generate(model: Model, opts: GenerateOptions = {}): Generated {
  const { plan, diagnostics } = planBuild(model, opts.qemu);
  const diags: Diagnostic[] = [...diagnostics];
  const files = new Map<string, string>();
  for (const f of plan.families) files.set(`c/${fileStem(f.family)}.c`, emitFamilyC(f));
  files.set('mtc-build.json', emitJson(model, plan));
  const docs = emitDocs(model, plan);
  for (const [family, md] of docs.markdown) files.set(`docs/${fileStem(family)}.md`, md);
  files.set('docs/index.html', docs.html);
  if (opts.treeRead && opts.qemu) {
    const r = buildTreePatch(plan, opts.qemu, opts.treeRead, opts.signoff);
    for (const x of r.diagnostics) diags.push(x);
    if (r.patch !== undefined) files.set(PATCH_FILE, r.patch);
  }
  // Machine names are lower case and their C names are checked for collisions (MTC3004), so two
  // families cannot map to one file name here.
  const paths = [...files.keys()].sort();
  const sorted = new Map<string, string>();
  for (const p of paths) sorted.set(p, files.get(p)!);
  sorted.set(MANIFEST, manifestText(paths));
  return { files: sorted, diagnostics: diags };
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Temporary files of this module's writes: `.NAME.mtc-tmp-PID`. */
const TEMP_FILE = /^\..+\.mtc-tmp-[0-9]+$/;

/**
 * Temporary files left by a build that was killed before its renames, in the
 * output directory and its subdirectories (relative paths, sorted).
 */
export function leftoverTemps(outDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string, depth: number) => {
    if (depth > 8) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), r, depth + 1);
      else if (e.isFile() && TEMP_FILE.test(e.name)) out.push(r);
    }
  };
  walk(outDir, '', 0);
  return out.sort();
}

function previousManifest(outDir: string): string[] {
  const t = readIfExists(join(outDir, MANIFEST));
  return t ? parseManifest(t) : [];
}

export interface StaleFile {
  readonly path: string;
  /** `changed`: differs; `missing`: not on disk; `extra`: owned, no longer produced, or a temporary file a killed build left. */
  readonly state: 'changed' | 'missing' | 'extra';
  /** Short unified diff (disk → expected), for `changed`. */
  readonly diff?: string;
}

/** `--check`: what differs between the output directory and a fresh build. */
export function checkOutputs(outDir: string, gen: Generated, maxDiffLines = 40): StaleFile[] {
  const stale: StaleFile[] = [];
  for (const [path, content] of gen.files) {
    const disk = readIfExists(join(outDir, path));
    if (disk === undefined) stale.push({ path, state: 'missing' });
    else if (disk !== content) {
      const lines = unifiedDiff(path, disk, content).split('\n');
      const diff = lines.length > maxDiffLines ? [...lines.slice(0, maxDiffLines), `... (${lines.length - maxDiffLines} more lines)`].join('\n') + '\n' : lines.join('\n');
      stale.push({ path, state: 'changed', diff });
    }
  }
  for (const path of previousManifest(outDir))
    if (!gen.files.has(path) && existsSync(join(outDir, path))) stale.push({ path, state: 'extra' });
  for (const path of leftoverTemps(outDir)) stale.push({ path, state: 'extra' });
  return stale.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export interface WriteResult {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

function looksGenerated(text: string): boolean {
  return text.includes(GENERATED_MARKER) || /"generator":\s*\{\s*"name":\s*"mtc"/.test(text);
}

/**
 * Writes the outputs: each changed file to a temporary file next to it, and
 * only when all of them are written, renames them into place; then removes
 * files of the previous manifest the build no longer produces. A failure
 * before the renames leaves the directory as it was.
 */
export function writeOutputs(outDir: string, gen: Generated): WriteResult {
  const owned = new Set(previousManifest(outDir));
  const diagnostics: Diagnostic[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const [path, content] of gen.files) {
    const disk = readIfExists(join(outDir, path));
    if (disk === content) {
      unchanged.push(path);
      continue;
    }
    if (disk !== undefined && path !== MANIFEST && !owned.has(path) && !looksGenerated(disk))
      diagnostics.push({
        code: 'MTC3022',
        severity: 'error',
        message: `${join(outDir, path)} exists and was not generated by mtc; not overwriting it`,
        help: 'move the file away or choose another --out directory',
      });
    changed.push(path);
  }
  if (diagnostics.length > 0) return { written: [], unchanged, removed: [], diagnostics };
  const temps: [string, string][] = [];
  try {
    for (const path of changed) {
      const final = join(outDir, path);
      mkdirSync(dirname(final), { recursive: true });
      const tmp = join(dirname(final), `.${path.split('/').pop()}.mtc-tmp-${process.pid}`);
      writeFileSync(tmp, gen.files.get(path)!, { encoding: 'utf8', flag: 'w' });
      temps.push([tmp, final]);
    }
  } catch (e) {
    for (const [tmp] of temps) rmSync(tmp, { force: true });
    diagnostics.push({ code: 'MTC3020', severity: 'error', message: `cannot write the outputs: ${e instanceof Error ? e.message : String(e)}`, help: 'nothing was changed; check permissions and free space' });
    return { written: [], unchanged, removed: [], diagnostics };
  }
  // Rename the manifest last, so an interrupted build still lists what it owns.
  temps.sort((a, b) => Number(a[1].endsWith(MANIFEST)) - Number(b[1].endsWith(MANIFEST)));
  for (const [tmp, final] of temps) renameSync(tmp, final);
  const removed: string[] = [];
  // Temporary files of an earlier build that was killed (another pid) are ours to remove.
  for (const path of leftoverTemps(outDir)) {
    rmSync(join(outDir, path), { force: true });
    removed.push(path);
  }
  for (const path of [...owned].sort()) {
    if (gen.files.has(path)) continue;
    const p = join(outDir, path);
    if (existsSync(p)) {
      rmSync(p, { force: true });
      removed.push(path);
    }
  }
  return { written: changed, unchanged, removed, diagnostics };
}
