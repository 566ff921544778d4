import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { expect } from 'vitest';
import { compile } from '../../src/compile.js';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import type { Model } from '../../src/resolve/model.js';
import { generate, type Generated } from '../../src/emit/build.js';
import type { CTarget } from '../../src/resolve/model.js';

export const repoRoot = new URL('../../', import.meta.url).pathname;

/** Compiles rule paths (relative to `root`) and fails the test on any error diagnostic. */
export function modelOf(paths: string[], root = repoRoot, defaultTarget: CTarget = 'x-mig'): Model {
  const r = compile(
    paths.map((p) => join(root, p)),
    { catalog: loadBuiltinCatalog(), defaultTarget, root },
  );
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.code} ${d.file}: ${d.message}`)).toEqual([]);
  return r.model!;
}

export function shippedModel(): Model {
  return modelOf(['rules']);
}

export function generateShipped(): Generated {
  return generate(shippedModel());
}

/** The shipped rules and the example projects: every family and both C targets. */
export const PROJECTS = ['rules', 'examples/x-mig-series', 'examples/x86-smi-count', 'examples/compat-sets'] as const;

export function generateProject(dir: string): Generated {
  return generate(modelOf([dir]));
}

/** A temporary project directory holding the given files. */
export function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-emit-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

/** Every C file of a build. */
export function cFiles(gen: Generated): [string, string][] {
  return [...gen.files].filter(([p]) => p.endsWith('.c'));
}
