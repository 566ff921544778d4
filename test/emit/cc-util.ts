import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './helpers.js';

export function findCompiler(): string | undefined {
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang']) {
    if (!cc) continue;
    if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0) return cc;
  }
  return undefined;
}

export const CC = findCompiler();

/**
 * The C compiler, or an error saying what to install. Tests that compile C
 * fail without one instead of being skipped: a green run must mean the
 * generated C was compiled.
 */
export function needCompiler(): string {
  if (!CC)
    throw new Error(
      'no C compiler found (tried $CC, cc, gcc, clang): install one, e.g. `apt-get install gcc libc6-dev` on Debian (.ci/run does this)',
    );
  return CC;
}
export const header = join(repoRoot, 'test/fixtures/qemu/qemu-compat.h');
/*
 * -Wextra minus two warnings QEMU's own code style trips (QEMU builds with
 * -Wall and its own list, not -Wextra): missing-field-initializers
 * (GlobalProperty arrays are positional 3-tuples, like every hw_compat array)
 * and unused-parameter (the newest options function is empty, as in QEMU).
 * Plus the stricter warnings QEMU's build enables.
 */
export const CFLAGS = [
  '-std=gnu11',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wno-missing-field-initializers',
  '-Wno-unused-parameter',
  '-Wundef',
  '-Wwrite-strings',
  '-Wmissing-prototypes',
  '-Wstrict-prototypes',
  '-Wold-style-definition',
  '-Wtype-limits',
  '-Wtrigraphs',
  '-include',
  header,
];

/** Compiles C text; returns the compiler's diagnostics ('' when clean). */
export function compileC(text: string, name = 'unit.c'): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mtc-cc-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  const r = spawnSync(needCompiler(), [...CFLAGS, '-c', file, '-o', join(dir, 'unit.o')], { encoding: 'utf8' });
  return { ok: r.status === 0, output: (r.stderr ?? '') + (r.stdout ?? '') };
}

