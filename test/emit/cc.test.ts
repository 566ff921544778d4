/**
 * Compiles every generated C snippet (out/c/ of the shipped rules and of the
 * examples) with the machine's C compiler against the stand-in declarations of
 * test/fixtures/qemu/qemu-compat.h (-std=gnu11 -Wall -Wextra -Werror): the
 * snippets are well-formed C. That the patches work in QEMU itself is proven
 * in the real trees (test/qemu-tree). Fails, saying what to install, without a
 * C compiler.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { generateProject, PROJECTS, cFiles } from './helpers.js';
import { compileC, needCompiler } from './cc-util.js';

describe('generated C compiles with -Wall -Wextra -Werror (less the two warnings QEMU idioms trip) and QEMU warnings', () => {
  beforeAll(() => void needCompiler());
  const all = PROJECTS.flatMap((p) => cFiles(generateProject(p)).map(([path, text]) => [`${p}/${path}`, text] as const));
  for (const [path, text] of all) {
    test(path, () => {
      const r = compileC(text, path.replace(/\//g, '_'));
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    });
  }

  test('the compiler test can fail: a broken snippet is rejected', () => {
    const [, text] = all[0]!;
    expect(compileC(text + '\nstatic int unused_thing;\n').ok).toBe(false);
  });
});
