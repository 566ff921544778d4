import type { ValidationRule } from '../rule.js';
import { catalogIdMismatch } from './catalog-id-mismatch.js';
import { catalogKernelRange } from './catalog-kernel-range.js';
import { catalogNoEffect } from './catalog-no-effect.js';
import { catalogRedundant } from './catalog-redundant.js';
import { catalogTarget } from './catalog-target.js';
import { catalogNeededRegister } from './catalog-needed-register.js';

/** Every catalog-based validation rule (MTC2002-MTC2008), for src/validate/index.ts. */
export const catalogRules: readonly ValidationRule[] = [
  catalogIdMismatch,
  catalogKernelRange,
  catalogNoEffect,
  catalogRedundant,
  catalogTarget,
  catalogNeededRegister,
];
