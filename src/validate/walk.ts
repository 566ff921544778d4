import type * as A from '../syntax/ast.js';
import type { Project } from '../resolve/load.js';

export interface MachineInFile {
  readonly file: string;
  readonly machine: A.Machine;
}

/** Every machine statement of the project, in file order. */
export function* machinesOf(project: Project): Generator<MachineInFile> {
  for (const f of project.files)
    for (const st of f.ast.statements) if (st.kind === 'Machine') yield { file: f.path, machine: st };
}

export interface RuleInFile extends MachineInFile {
  readonly rule: A.Rule;
}

export function* rulesOf(project: Project): Generator<RuleInFile> {
  for (const m of machinesOf(project)) for (const rule of m.machine.body) yield { ...m, rule };
}
