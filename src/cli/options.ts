import { defaultLimits, type Limits } from '../util/limits.js';
import { UsageError } from './report.js';
import type { CTarget } from '../resolve/model.js';
import { findRelease, newestRelease, releaseIds, type ReleaseModel } from '../qemu/releases.js';

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

/** A `--qemu`, `--from-qemu` or `--to-qemu` value: a release of catalog/qemu/releases.yaml. */
export function parseRelease(option: string, v: string | undefined, fallback: ReleaseModel): ReleaseModel {
  if (v === undefined) return fallback;
  const r = findRelease(v);
  if (r) return r;
  throw new UsageError(`${option} takes a QEMU release mtc models (${releaseIds().join(', ')}, or an exact version of a built-in tree), not \`${v}\``);
}

/** The releases of the two ends: --from-qemu / --to-qemu, else --qemu for both, else the newest. */
export function releasesFrom(opts: { qemu?: string; fromQemu?: string; toQemu?: string }): { from: ReleaseModel; to: ReleaseModel } {
  const both = parseRelease('--qemu', opts.qemu, newestRelease());
  return { from: parseRelease('--from-qemu', opts.fromQemu, both), to: parseRelease('--to-qemu', opts.toQemu, both) };
}
