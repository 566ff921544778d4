import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import * as pluginModule from '../../src/format/plugin.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');
const messy = readFileSync(join(fixtures, 'comments.in.mtc'), 'utf8');
const tidy = readFileSync(join(fixtures, 'comments.out.mtc'), 'utf8');

describe('plugin module shape (what Prettier 3 loads)', () => {
  // Prettier takes `module.default ?? module`: the default export must carry every part.
  const loaded = (pluginModule as { default?: prettier.Plugin }).default ?? (pluginModule as prettier.Plugin);

  test('default export has languages, parsers, printers and the mtc defaults', () => {
    expect(loaded.languages).toEqual([expect.objectContaining({ name: 'mtc', parsers: ['mtc'], extensions: ['.mtc'] })]);
    expect(Object.keys(loaded.parsers ?? {})).toEqual(['mtc']);
    expect(loaded.parsers!.mtc!.astFormat).toBe('mtc');
    expect(Object.keys(loaded.printers ?? {})).toEqual(['mtc']);
    expect(loaded.defaultOptions).toMatchObject({ printWidth: 100 });
    expect(pluginModule.languages).toBe(loaded.languages);
    expect(pluginModule.parsers).toBe(loaded.parsers);
    expect(pluginModule.printers).toBe(loaded.printers);
  });

  test('locStart/locEnd are the span offsets of the parsed nodes', async () => {
    const p = loaded.parsers!.mtc!;
    const text = '// c\nmachine m { hide A; }\n';
    const ast = await p.parse(text, {} as never);
    const machine = ast.statements[0];
    expect(p.locStart(machine)).toBe(5);
    expect(p.locEnd(machine)).toBe(text.indexOf('}') + 1);
    expect(text.slice(p.locStart(machine.body[0]), p.locEnd(machine.body[0]))).toBe('hide A;');
  });

  test('prettier.format with { parser: "mtc", plugins: [plugin] }', async () => {
    expect(await prettier.format(messy, { parser: 'mtc', plugins: [loaded] })).toBe(tidy);
  });

  test('the language is inferred from the .mtc extension', async () => {
    expect(await prettier.format(messy, { filepath: 'rules/virt.mtc', plugins: [loaded] })).toBe(tidy);
    expect(await prettier.getFileInfo('rules/virt.mtc', { plugins: [loaded] })).toMatchObject({ inferredParser: 'mtc' });
  });

  test('a syntax error is thrown with loc, so Prettier reports where it is', async () => {
    const err = await prettier.format('machine m {\n  hide ;\n}\n', { parser: 'mtc', plugins: [loaded] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyntaxError);
    expect(err).toMatchObject({ loc: { start: { line: 2, column: 8 } } });
    expect((err as Error).message).toContain('[MTC0006] (2:8)');
  });
});

/**
 * The exact use maintainers make of the plugin: the compiled module given to
 * the Prettier CLI with --plugin. The module is `dist/format/plugin.js` as
 * `npm run build` writes it (vitest's global setup rebuilds dist/ once when it
 * is older than src/), so no test or hook compiles anything.
 */
describe('prettier CLI with --plugin=<compiled plugin.js>', () => {
  let work: string;
  const prettierBin = join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
  const pluginJs = join(root, 'dist', 'format', 'plugin.js');

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'mtc-fmt-plugin-'));
    mkdirSync(join(work, 'rules'), { recursive: true });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    spawnSync(process.execPath, [prettierBin, '--no-config', ...args], { cwd: work, encoding: 'utf8' });

  test('the plugin was compiled', () => {
    expect(existsSync(pluginJs)).toBe(true);
  });

  test('--write rules/ formats the .mtc files; --check then passes', () => {
    const plugin = `--plugin=${pluginJs}`;
    writeFileSync(join(work, 'rules', 'a.mtc'), messy);
    cpSync(join(root, 'rules'), join(work, 'rules', 'shipped'), { recursive: true });
    const check1 = run(plugin, '--check', 'rules/');
    expect(check1.status, check1.stderr).toBe(1);
    expect(check1.stderr).toContain('rules/a.mtc');
    expect(check1.stderr).not.toContain('shipped');
    const write = run(plugin, '--write', 'rules/');
    expect(write.status, write.stderr).toBe(0);
    expect(readFileSync(join(work, 'rules', 'a.mtc'), 'utf8')).toBe(tidy);
    const check2 = run(plugin, '--check', 'rules/');
    expect(check2.status, check2.stderr + check2.stdout).toBe(0);
  });

  test('the plugin also loads from a file URL', async () => {
    const url = pathToFileURL(pluginJs).href;
    expect(await prettier.format(messy, { filepath: 'x.mtc', plugins: [url] })).toBe(tidy);
  });

  test('a file with syntax errors is reported with its location and left untouched', () => {
    const plugin = `--plugin=${pluginJs}`;
    const broken = 'machine m {\n  hide ;\n}\n';
    writeFileSync(join(work, 'rules', 'bad.mtc'), broken);
    const r = run(plugin, '--write', 'rules/bad.mtc');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('rules/bad.mtc: SyntaxError');
    expect(r.stderr).toContain('(2:8)');
    expect(readFileSync(join(work, 'rules', 'bad.mtc'), 'utf8')).toBe(broken);
  });
});
