/**
 * Which hide and tolerate rules of a rule tree name given registers (for
 * `mtc decode`): loaded as `mtc check` loads it, with the root it would find.
 */
import * as nodePath from 'node:path';
import { refId } from '../catalog/user-register.js';
import type { Catalog } from '../catalog/types.js';
import { loadProject } from './load.js';
import { findProjectRoot } from './project-root.js';

export interface RuleMention {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly machine: string;
  readonly kind: string;
  readonly text: string;
}

/** Every hide/tolerate rule of the rule tree that mentions one of `ids`. */
export function ruleMentions(catalog: Catalog, paths: readonly string[], ids: ReadonlySet<bigint>): Map<bigint, RuleMention[]> {
  const out = new Map<bigint, RuleMention[]>();
  let project;
  try {
    // The root as `mtc check` finds it, so that `--rules /elsewhere/rules` works from any directory.
    const abs = paths.map((p) => nodePath.resolve(p));
    project = loadProject(abs, { root: findProjectRoot(abs, process.cwd()) });
  } catch {
    return out;
  }
  for (const f of project.files)
    for (const st of f.ast.statements) {
      if (st.kind !== 'Machine') continue;
      for (const rule of st.body) {
        if (rule.kind !== 'Hide' && rule.kind !== 'Tolerate') continue;
        for (const r of rule.registers) {
          const id = refId(catalog, r);
          if (id === undefined || !ids.has(id)) continue;
          const src = project.sources.get(f.path);
          const text = src ? src.lineText(rule.span.start.line).trim() : rule.kind.toLowerCase();
          const list = out.get(id) ?? [];
          list.push({ file: f.path, line: r.span.start.line, column: r.span.start.column, machine: st.name?.name ?? '?', kind: rule.kind.toLowerCase(), text });
          out.set(id, list);
        }
      }
    }
  return out;
}
