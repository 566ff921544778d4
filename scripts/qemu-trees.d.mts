// Types of scripts/qemu-trees.mjs for the TypeScript tests.
export interface TreeInfo {
  readonly version: string;
  readonly orig: string;
  readonly debian: string | null;
  readonly debianPatches: readonly string[];
  readonly fixups: readonly string[];
}
export interface TreePaths {
  readonly base: string;
  readonly tree: string;
  readonly build: string;
  readonly bin: string;
  readonly lock: string;
}
export const repoRoot: string;
export const TREES: readonly TreeInfo[];
export const CONFIGURE_FLAGS: readonly string[];
export const INSTALL_HINT: string;
export class MissingToolError extends Error {}
export function cacheDir(): string;
export function sourcesDir(): string;
export function checkTools(): void;
export function treePaths(version: string): TreePaths;
export function withTreeLock<T>(version: string, fn: () => T): T;
export function prepareTree(version: string, log?: (m: string) => void): TreePaths;
export function resetTree(version: string): void;
export function applyPatch(version: string, patchFile: string, opts?: { am?: boolean }): string[];
export function dropCommits(version: string): void;
export function objectsFor(version: string, files: readonly string[]): string[];
export function compileObjects(version: string, objects: readonly string[]): { ok: boolean; output: string };
export function checkpatch(version: string, patchFile: string, opts?: { signoff?: boolean }): { errors: number; warnings: number; output: string };
export function buildBinary(version: string, patchText: string | null, log?: (m: string) => void, target?: 'qemu-system-aarch64' | 'qemu-system-x86_64'): string;
