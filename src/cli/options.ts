import { defaultLimits, type Limits } from '../util/limits.js';
import { UsageError } from './report.js';
import type { CTarget } from '../resolve/model.js';

export function parsePositiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^[0-9]+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value)))
    throw new UsageError(`${name} takes a positive whole number, not \`${value}\``);
  return Number(value);
}

export function limitsFrom(opts: { maxFileSize?: string; maxTokens?: string; maxFiles?: string; maxChainLength?: string }): Limits {
  return {
    ...defaultLimits,
    maxFileBytes: parsePositiveInt('--max-file-size', opts.maxFileSize, defaultLimits.maxFileBytes),
    maxTokens: parsePositiveInt('--max-tokens', opts.maxTokens, defaultLimits.maxTokens),
    maxFiles: parsePositiveInt('--max-files', opts.maxFiles, defaultLimits.maxFiles),
    maxChainLength: parsePositiveInt('--max-chain-length', opts.maxChainLength, defaultLimits.maxChainLength),
  };
}

export function parseTarget(value: string | undefined): CTarget {
  if (value === undefined || value === 'x-mig' || value === 'tolerances') return value ?? 'x-mig';
  throw new UsageError(`--target must be x-mig or tolerances, not \`${value}\``);
}
