/**
 * The host profiles of `mtc diff`'s migration matrix when they come from the
 * review configuration (`hosts:` of mtc.yaml) rather than from `--hosts`.
 *
 * A config is part of the change under review, so its `hosts:` entries are
 * read through that tree's FileSystem (a git revision is read from the
 * revision, not from the working tree), must stay inside the tree (no
 * absolute paths, no `..` out of it, no symlink out of it), and are read
 * bounded, regular files only. Nothing on the machine that runs the review is
 * reachable from a pull request this way, and messages never quote a file.
 *
 * The matrix uses the base tree's hosts plus the hosts the head adds: a change
 * cannot drop or redefine the hosts its effect is judged on (a host the head
 * redefines is reported, MTC5056, and the base version is used).
 */
import type { KernelHistory } from '../catalog/history.js';
import * as nodePath from 'node:path';
import type { Catalog } from '../catalog/types.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { loadProfile } from '../catalog/profile.js';
import { DEFAULT_MAX_CATALOG_BYTES } from '../catalog/yaml-file.js';
import { builtinHosts, hostFromProfile, type HostModel } from '../simulate/hosts.js';
import { simulateCodes } from '../simulate/codes.js';
import { decodeUtf8Strict, ReadError } from '../util/read-file.js';
import type { FileSystem } from '../resolve/load.js';
import { reviewCodes } from './codes.js';

const PROFILE_FILE = /\.(ya?ml|json|txt|list)$/i;

export interface HostTree {
  readonly fs: FileSystem;
  /** Root of the tree in `fs`: config paths are relative to it and cannot leave it. */
  readonly root: string;
  /** Prefix that makes a tree path repository-relative, for messages. */
  readonly prefix: string;
}

function inside(root: string, p: string): boolean {
  const rel = nodePath.posix.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith('../') && !nodePath.posix.isAbsolute(rel));
}

const toPosix = (p: string) => p.split(nodePath.sep).join('/');

/** Reads the `hosts:` of one tree's config from that tree. */
export function readTreeHosts(tree: HostTree, entries: readonly string[], catalog: Catalog, configFile: string, history?: KernelHistory): { hosts: HostModel[]; diagnostics: Diagnostic[] } {
  const hosts: HostModel[] = [];
  const diagnostics: Diagnostic[] = [];
  const root = toPosix(tree.root);
  const shown = (real: string) => {
    const rel = nodePath.posix.relative(root, toPosix(real));
    return tree.prefix ? `${tree.prefix}/${rel}` : rel;
  };
  const bad = (message: string, file?: string) =>
    diagnostics.push({
      code: simulateCodes.MTC4002.code,
      severity: 'error',
      message,
      file: file ?? configFile,
      help: '`hosts:` of mtc.yaml names profile files or directories inside the rule tree (relative to its root); give other profiles with --hosts',
    });
  const files: string[] = [];
  for (const entry of entries) {
    if (nodePath.isAbsolute(entry) || nodePath.posix.isAbsolute(entry)) {
      bad(`hosts: \`${entry}\` is an absolute path; host profiles of the review configuration must be inside the tree`);
      continue;
    }
    const abs = nodePath.posix.join(root, toPosix(entry));
    const real = tree.fs.realpath(abs);
    if (!inside(root, abs) || (real !== undefined && !inside(root, toPosix(real)))) {
      bad(`hosts: \`${entry}\` is outside the tree${real !== undefined && inside(root, abs) ? ' (through a symlink)' : ''}`);
      continue;
    }
    if (real === undefined) {
      bad(`hosts: \`${entry}\` does not exist in this tree`);
      continue;
    }
    const kind = tree.fs.kind(real);
    if (kind === 'dir') {
      for (const name of tree.fs.list(real).filter((n) => PROFILE_FILE.test(n)).sort()) {
        const f = tree.fs.realpath(nodePath.posix.join(toPosix(real), name));
        if (f !== undefined && inside(root, toPosix(f)) && tree.fs.kind(f) === 'file') files.push(f);
      }
    } else if (kind === 'file') files.push(real);
    else bad(`hosts: \`${entry}\` is not a regular file or a directory`);
  }
  for (const f of files) {
    const display = shown(f);
    let text: string;
    try {
      text = decodeUtf8Strict(tree.fs.readFile(f, DEFAULT_MAX_CATALOG_BYTES), display);
    } catch (e) {
      bad(e instanceof ReadError ? `host profile ${display}: ${e.kind === 'too-large' ? `larger than ${DEFAULT_MAX_CATALOG_BYTES} bytes` : e.detail}` : `host profile ${display}: cannot be read`, display);
      continue;
    }
    const r = loadProfile(display, { catalog, text, ...(history ? { history } : {}) });
    for (const x of r.diagnostics) diagnostics.push(x);
    if (!r.profile) continue;
    try {
      hosts.push(hostFromProfile(r.profile, catalog, history));
    } catch {
      bad(`host profile ${display}: its register list cannot be computed`, display);
    }
  }
  return { hosts, diagnostics };
}

export interface SideHosts {
  readonly tree: HostTree;
  /** `hosts:` of that side's config (empty: the built-in profiles). */
  readonly entries: readonly string[];
  readonly configFile: string;
}

const sameHost = (a: HostModel, b: HostModel) =>
  a.accel === b.accel && a.kernel === b.kernel && a.qemu === b.qemu && a.cpu.midr === b.cpu.midr && a.cpu.revidr === b.cpu.revidr && a.cpu.aidr === b.cpu.aidr && a.regs.length === b.regs.length && a.regs.every((r, i) => r === b.regs[i]);

/** The matrix hosts: the base side's, then the ones the head adds; a head redefinition of a base host is reported and ignored. */
export function reviewHosts(base: SideHosts, head: SideHosts, catalog: Catalog, history?: KernelHistory): { hosts: HostModel[]; diagnostics: Diagnostic[] } {
  const side = (s: SideHosts) => (s.entries.length > 0 ? readTreeHosts(s.tree, s.entries, catalog, s.configFile, history) : { hosts: builtinHosts({ catalog, history }), diagnostics: [] });
  const b = side(base);
  const h = side(head);
  const diagnostics = [...b.diagnostics, ...h.diagnostics];
  const hosts = [...b.hosts];
  const byName = new Map(b.hosts.map((x) => [x.name, x]));
  for (const x of h.hosts) {
    const was = byName.get(x.name);
    if (was === undefined) {
      hosts.push(x);
      byName.set(x.name, x);
    } else if (!sameHost(was, x))
      diagnostics.push({
        code: reviewCodes.MTC5056.code,
        severity: 'warning',
        message: `host profile \`${x.name}\` is changed by this change; the migration matrix uses the base version until the change is merged`,
        file: head.configFile,
        help: 'give the changed profile another name to see its matrix, or run mtc diff with --hosts',
      });
  }
  return { hosts, diagnostics };
}
