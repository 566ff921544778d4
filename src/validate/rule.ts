import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { CodeInfo } from '../diagnostics/codes.js';
import type { Project } from '../resolve/load.js';
import type { Model } from '../resolve/model.js';
import type { Catalog } from '../catalog/types.js';

/**
 * Everything a validation rule may look at. Rules over the syntax tree use
 * `project`; rules over the resolved model also get `model` (absent when the
 * files had errors that stop resolution).
 */
export interface ValidationContext {
  readonly project: Project;
  readonly catalog: Catalog;
  readonly model: Model | undefined;
  /** Extra data a rule family needs (e.g. the kernel history); keyed by the family. */
  readonly extras: ReadonlyMap<string, unknown>;
  report(d: Diagnostic): void;
}

/**
 * One validation rule, one concern, one file under validate/rules/ (in the
 * manner of graphql-js `validation/rules` and typescript-eslint): its codes
 * with their docs, and its check.
 */
export interface ValidationRule {
  /** Kebab-case id, e.g. `duplicate-machine-type`. */
  readonly name: string;
  /** The diagnostic codes this rule reports, with docs. */
  readonly codes: readonly CodeInfo[];
  /** `syntax`: runs on the ASTs of every file; `model`: runs on the resolved model. */
  readonly stage: 'syntax' | 'model';
  check(ctx: ValidationContext): void;
}
