import type * as A from '../syntax/ast.js';
import type { Project } from '../resolve/load.js';
import type { MachineType, Model } from '../resolve/model.js';

export interface MachineInFile {
  readonly file: string;
  readonly machine: A.Machine;
}

export interface RuleInFile {
  readonly file: string;
  /** The machine type, or the shared compat set, the rule is written in. */
  readonly machine: A.Machine | A.CompatSet;
  readonly rule: A.Rule;
}

// Every rule walks the same lists: build them once per project. The rules walk them by index: each
// rule runs once per compile, too few times for V8 to optimise it, and a for-of loop in code that is
// not optimised allocates a result object per item.
const machineLists = new WeakMap<Project, MachineInFile[]>();
const ruleLists = new WeakMap<Project, RuleInFile[]>();

/** Every machine statement of the project, in file order. */
export function machinesOf(project: Project): readonly MachineInFile[] {
  let list = machineLists.get(project);
  if (!list) {
    list = [];
    for (const f of project.files)
      for (const st of f.ast.statements) if (st.kind === 'Machine') list.push({ file: f.path, machine: st });
    machineLists.set(project, list);
  }
  return list;
}

/** Every rule of every machine statement, in file order. */
export function rulesOf(project: Project): readonly RuleInFile[] {
  let list = ruleLists.get(project);
  if (!list) {
    list = [];
    for (const m of machinesOf(project)) for (const rule of m.machine.body) list.push({ file: m.file, machine: m.machine, rule });
    // The rules of shared compat sets are checked like a machine type's (issue 15).
    for (const f of project.files)
      for (const st of f.ast.statements) if (st.kind === 'CompatSet') for (const rule of st.body) list.push({ file: f.path, machine: st, rule });
    ruleLists.set(project, list);
  }
  return list;
}

const byNameCache = new WeakMap<Model, ReadonlyMap<string, MachineType>>();

/** The model's machine types by name (each name is there once: the resolver keeps its first declaration). */
export function machinesByName(model: Model): ReadonlyMap<string, MachineType> {
  let map = byNameCache.get(model);
  if (!map) {
    const m = new Map<string, MachineType>();
    for (const machine of model.machines) m.set(machine.name, machine);
    byNameCache.set(model, (map = m));
  }
  return map;
}
