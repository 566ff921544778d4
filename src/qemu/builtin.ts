/**
 * The built-in QEMU profiles (catalog/qemu/qemu-<version>.json), generated
 * from the real trees by `npm run qemu-profiles` and checked by a test.
 *
 * May import: src/util/package-root.ts, this folder.
 */
import { readFileSync } from 'node:fs';
import { packageRootUrl } from '../util/package-root.js';
import { QEMU_PROFILE_FORMAT, QEMU_PROFILE_VERSION, type QemuProfile } from './profile.js';

/** The trees the built-in profiles were generated from, newest last. */
export const BUILTIN_QEMU_VERSIONS: readonly string[] = ['10.0.13', '10.2.2', '11.1.1'];

export function builtinProfilePath(version: string): string {
  return `catalog/qemu/qemu-${version}.json`;
}

const cache = new Map<string, QemuProfile>();

export function loadBuiltinProfile(version: string): QemuProfile {
  let p = cache.get(version);
  if (!p) {
    p = JSON.parse(readFileSync(new URL(builtinProfilePath(version), packageRootUrl()), 'utf8')) as QemuProfile;
    if (p.format !== QEMU_PROFILE_FORMAT || p.version !== QEMU_PROFILE_VERSION) throw new Error(`${builtinProfilePath(version)} is not a version ${QEMU_PROFILE_VERSION} QEMU profile`);
    cache.set(version, p);
  }
  return p;
}

/**
 * The built-in profile a `--qemu` value names: an exact version (`10.2.2`) or
 * a release (`10.2`, the newest built-in tree of that release). Undefined
 * when there is none.
 */
export function findBuiltinVersion(value: string): string | undefined {
  const v = value.trim().replace(/^v/, '');
  if (BUILTIN_QEMU_VERSIONS.includes(v)) return v;
  const matches = BUILTIN_QEMU_VERSIONS.filter((b) => b.startsWith(`${v}.`));
  return matches[matches.length - 1];
}
