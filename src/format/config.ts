/**
 * The Prettier options `mtc fmt` takes from a project's Prettier config,
 * without executing anything.
 *
 * `prettier.resolveConfig` would load `.prettierrc.cjs`, `prettier.config.js`
 * and the like: code from the tree being formatted, run on the machine that
 * formats it (a CI runner checking a pull request). mtc reads only static
 * configs: the `prettier` key of package.json (an object), `.prettierrc`
 * (JSON or YAML), `.prettierrc.json`, `.prettierrc.yaml`, `.prettierrc.yml`;
 * found from the file's directory up to the project root and no further, read
 * with the bounded reader, and only layout options are taken from them
 * (`plugins` in a static config would load code too). A JavaScript or
 * TypeScript config is reported (MTC6005) and not run.
 */
import { readdirSync } from 'node:fs';
import * as nodePath from 'node:path';
import type { Options } from 'prettier';
import { parse as parseYaml } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { globMatch } from '../util/glob.js';
import { ReadError, readRegularText } from '../util/read-file.js';

/** The options a config may set for rule files: layout only. */
const ALLOWED = ['printWidth', 'tabWidth', 'useTabs', 'endOfLine'] as const;
const STATIC = ['package.json', '.prettierrc', '.prettierrc.json', '.prettierrc.yaml', '.prettierrc.yml'];
const EXECUTABLE = /^(\.prettierrc\.(js|cjs|mjs|ts|cts|mts)|prettier\.config\.(js|cjs|mjs|ts|cts|mts))$/;
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface StaticConfig {
  readonly options: Options;
  readonly diagnostics: Diagnostic[];
}

type Raw = Record<string, unknown> & { overrides?: { files?: unknown; excludeFiles?: unknown; options?: unknown }[] };

function pick(v: unknown): Options {
  const out: Record<string, unknown> = {};
  if (typeof v !== 'object' || v === null) return out;
  for (const k of ALLOWED) if (k in v) out[k] = (v as Record<string, unknown>)[k];
  return out as Options;
}

const patterns = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Prettier's `files` patterns, with `*` (also across `/`) and `**` understood, matched linearly (util/glob.ts). */
function fileMatches(pattern: string, rel: string): boolean {
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  if (!pattern.includes('/')) return globMatch(pattern, base);
  const p = pattern.replace(/^(\*\*\/)+/, '');
  return globMatch(p, rel) || (p !== pattern && !p.includes('/') && globMatch(p, base));
}

function optionsFor(raw: Raw, rel: string): Options {
  let options: Options = pick(raw);
  for (const o of Array.isArray(raw.overrides) ? raw.overrides : []) {
    if (!patterns(o.files).some((p) => fileMatches(p, rel))) continue;
    if (patterns(o.excludeFiles).some((p) => fileMatches(p, rel))) continue;
    options = { ...options, ...pick(o.options) };
  }
  return options;
}

/**
 * Resolves the options for one file. `root` bounds the search (the project
 * root). Results are cached per directory in `cache`.
 */
export type ConfigCache = Map<string, { dir: string; raw: Raw } | null | Diagnostic[]>;

export function resolveStaticConfig(file: string, root: string, cache: ConfigCache = new Map()): StaticConfig {
  const diagnostics: Diagnostic[] = [];
  const abs = nodePath.resolve(file);
  const top = nodePath.resolve(root);
  let dir = nodePath.dirname(abs);
  for (;;) {
    const rel = nodePath.relative(top, dir);
    if (rel.startsWith('..') || nodePath.isAbsolute(rel)) break; // above the project root
    const found = configIn(dir, top, cache);
    if (Array.isArray(found)) return { options: {}, diagnostics: found };
    if (found) return { options: optionsFor(found.raw, nodePath.relative(found.dir, abs).split(nodePath.sep).join('/')), diagnostics };
    if (dir === top) break;
    const up = nodePath.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return { options: {}, diagnostics };
}

function configIn(dir: string, root: string, cache: ConfigCache): { dir: string; raw: Raw } | null | Diagnostic[] {
  const hit = cache.get(dir);
  if (hit !== undefined) return hit;
  let result: { dir: string; raw: Raw } | null | Diagnostic[] = null;
  for (const name of STATIC) {
    const path = nodePath.join(dir, name);
    let text: string;
    try {
      text = readRegularText(path, { maxBytes: MAX_CONFIG_BYTES, within: root });
    } catch (e) {
      if (e instanceof ReadError && e.kind === 'missing') continue;
      result = [configProblem(path, root, e instanceof ReadError ? e.detail : String(e))];
      break;
    }
    let value: unknown;
    try {
      value = name === 'package.json' || name.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100, prettyErrors: false });
    } catch {
      result = [configProblem(path, root, 'not valid JSON or YAML')];
      break;
    }
    if (name === 'package.json') {
      const p = (value as { prettier?: unknown } | null)?.prettier;
      if (p === undefined) continue;
      if (typeof p !== 'object' || p === null) {
        result = [configProblem(path, root, 'its `prettier` key names a shared config (a package mtc would have to load); only an object is read')];
        break;
      }
      value = p;
    }
    result = { dir, raw: (typeof value === 'object' && value !== null ? value : {}) as Raw };
    break;
  }
  if (result === null) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      names = [];
    }
    const js = names.filter((n) => EXECUTABLE.test(n)).sort();
    if (js.length > 0)
      result = [
        {
          code: 'MTC6005',
          severity: 'warning',
          message: `${displayPath(nodePath.join(dir, js[0]), root)} is a Prettier config written in JavaScript or TypeScript; mtc fmt does not run it and uses the default layout`,
          file: displayPath(nodePath.join(dir, js[0]), root),
          help: 'write the options in .prettierrc (JSON or YAML) or the `prettier` key of package.json; mtc fmt reads printWidth, tabWidth, useTabs and endOfLine from there',
        },
      ];
  }
  cache.set(dir, result);
  return result;
}

function displayPath(p: string, root: string): string {
  return nodePath.relative(root, p).split(nodePath.sep).join('/') || nodePath.basename(p);
}

function configProblem(path: string, root: string, why: string): Diagnostic {
  return {
    code: 'MTC6005',
    severity: 'warning',
    message: `the Prettier config ${displayPath(path, root)} is not used: ${why}`,
    file: displayPath(path, root),
    help: 'mtc fmt reads printWidth, tabWidth, useTabs and endOfLine from a static .prettierrc (JSON or YAML) or the `prettier` object of package.json',
  };
}
