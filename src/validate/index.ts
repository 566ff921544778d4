import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ValidationContext, ValidationRule } from './rule.js';
import { duplicateMachineType } from './rules/duplicate-machine-type.js';
import { machineChain } from './rules/machine-chain.js';
import { machineName } from './rules/machine-name.js';
import { repeatedRule } from './rules/repeated-rule.js';
import { hiddenAndTolerated } from './rules/hidden-and-tolerated.js';
import { ruleAttributes } from './rules/rule-attributes.js';
import { invalidMidr } from './rules/invalid-midr.js';
import { kernelRange } from './rules/kernel-range.js';
import { target } from './rules/target.js';
import { valueTest } from './rules/value-test.js';
import { registerEncoding } from './rules/register-encoding.js';
import { propertyName } from './rules/property-name.js';
import { catalogRules } from './rules/catalog-index.js';
import { mixedTargetsInChain } from './rules/mixed-targets-in-chain.js';
import { setOfManagedArray } from './rules/set-of-managed-array.js';
import { cNameCollision } from './rules/c-name-collision.js';
import { toleranceConflict } from './rules/tolerance-conflict.js';
import { qemuFamily } from './rules/qemu-family.js';
import { qemuInterface } from './rules/qemu-interface.js';
import { qemuBuiltinTolerance } from './rules/qemu-builtin-tolerance.js';
import { qemuMachineTypes } from './rules/qemu-machine-types.js';
import { compatSets } from './rules/compat-sets.js';

/** Every validation rule, structural first, then catalog-based. */
export const allRules: readonly ValidationRule[] = [
  duplicateMachineType,
  machineChain,
  machineName,
  target,
  ruleAttributes,
  kernelRange,
  valueTest,
  registerEncoding,
  propertyName,
  invalidMidr,
  repeatedRule,
  hiddenAndTolerated,
  compatSets,
  ...catalogRules,
  // What the C emitters cannot express; checked here so that `check` reports every error `build` would.
  mixedTargetsInChain,
  setOfManagedArray,
  cNameCollision,
  toleranceConflict,
  // Against the chosen QEMU (the `qemu` extra); silent without one.
  qemuFamily,
  qemuInterface,
  qemuBuiltinTolerance,
  qemuMachineTypes,
];

/** Runs the rules of one stage; each diagnostic goes to `report` (default: the returned array). */
export function runRules(
  stage: ValidationRule['stage'],
  ctx: Omit<ValidationContext, 'report'>,
  rules: readonly ValidationRule[] = allRules,
  report?: (d: Diagnostic) => void,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const full: ValidationContext = { ...ctx, report: report ?? ((d) => out.push(d)) };
  for (const r of rules) if (r.stage === stage) r.check(full);
  return out;
}
