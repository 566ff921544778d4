import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The command users run: package.json `bin`, dist/bundle/mtc.js. Executed, it
 * is a shell script that starts node from the start-up snapshot; run by node
 * (`node BIN …`, for tests that give node options or hooks), the JS launcher.
 */
export const BIN = join(process.cwd(), (JSON.parse(readFileSync('package.json', 'utf8')) as { bin: { mtc: string } }).bin.mtc);

/**
 * Where the commands the tests run keep their start-up snapshots: one directory
 * for the whole suite (a snapshot is built by the first run after a build), not
 * the user's cache.
 */
export const TEST_CACHE = join(tmpdir(), `mtc-test-cache-${process.getuid?.() ?? 0}`);

/**
 * Runs the `mtc` command as a process, as users do (so from its start-up
 * snapshot), without colour unless `env` asks for it; `input` is its standard input.
 */
export function runBin(args: readonly string[], cwd = process.cwd(), env: Record<string, string> = {}, input?: string): CliRun {
  const r = spawnSync(BIN, [...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: TEST_CACHE, ...env }, ...(input !== undefined ? { input } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `main()` in this process with stdout and stderr captured (for tests that mock a module). */
export async function runMain(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
