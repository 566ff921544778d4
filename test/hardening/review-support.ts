/**
 * A git repository holding a base commit and a pull-request commit of a rule
 * tree, for the `mtc diff` hardening tests (issue 12, cases 1, 3, 4, 5, 11).
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { git } from '../review/helpers.js';

export const reviewFixtures = fileURLToPath(new URL('../fixtures/review/', import.meta.url));
const CASE = join(reviewFixtures, 'cases', 'rule-removed');

/** The base rules of the rule-removed case, released as in its config: the head removes a released tolerance (breaking). */
export const RELEASED_CONFIG = 'version: 1\nreleased: [virt-10.0, virt-10.1, virt-10.2, "virt-rhel*", pc-q35-2.11]\nsimulate: { qemu: x-mig-series }\n';

export interface Repo {
  readonly dir: string;
  readonly base: string;
  readonly head: string;
}

/**
 * A repository with the base rules committed (branch `target` stays there), then the pull request's commit:
 * the head rules (a breaking change) plus `extra` files (path → content) the
 * pull request adds. `config` replaces rules/mtc.yaml in the head (and
 * `baseConfig` in the base).
 */
export function prRepo(opts: { extra?: Record<string, string>; config?: string; baseConfig?: string; copyBaseTo?: readonly string[] } = {}): Repo {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-pr-'));
  git(dir, 'init', '-q', '-b', 'main');
  cpSync(join(CASE, 'base', 'rules'), join(dir, 'rules'), { recursive: true });
  writeFileSync(join(dir, 'rules', 'mtc.yaml'), opts.baseConfig ?? RELEASED_CONFIG);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  const base = git(dir, 'rev-parse', 'HEAD').trim();
  git(dir, 'branch', 'target'); // the branch the pull request targets
  cpSync(join(CASE, 'head', 'rules'), join(dir, 'rules'), { recursive: true });
  writeFileSync(join(dir, 'rules', 'mtc.yaml'), opts.config ?? RELEASED_CONFIG);
  // Copies of the base rules under names that look like revisions.
  for (const name of opts.copyBaseTo ?? []) {
    const to = join(dir, name.replaceAll('%BASE%', base), 'rules');
    mkdirSync(dirname(to), { recursive: true });
    cpSync(join(CASE, 'base', 'rules'), to, { recursive: true });
    writeFileSync(join(to, 'mtc.yaml'), RELEASED_CONFIG);
  }
  for (const [path, content] of Object.entries(opts.extra ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'pull request');
  const head = git(dir, 'rev-parse', 'HEAD').trim();
  return { dir, base, head };
}
