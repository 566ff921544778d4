/**
 * Property-based fuzzing of the whole front and back end: valid rule files
 * from the formatter's grammar generator (test/format/gen.ts: every construct,
 * comments in every gap), with CRLF/CR line ends, and mutations of them
 * (token ranges deleted, duplicated, swapped, case-flipped; hostile bytes
 * inserted; truncation). The parser, the checker (`compile`), the formatter
 * and the emitters never throw, and every diagnostic span is inside its file
 * with consistent line/column. Fixed seeds and run counts: CI is deterministic.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { generate } from '../../src/emit/build.js';
import { GENERATED_MARKER } from '../../src/emit/c.js';
import { formatSource } from '../../src/format/format.js';
import { memoryFileSystem } from '../../src/resolve/memory-fs.js';
import { ruleFile } from '../format/gen.js';
import { expectInvariants } from '../format/helpers.js';
import { applyMutation, mutated, pieces } from './mutate.js';
import { ROOT, compileChecked, compileClean, errorsOf, expectDiagnosticsInside, parseChecked } from './support.js';

/** The generator's files with \n, \r\n or \r line ends. */
const validFile = fc
  .tuple(ruleFile, fc.constantFrom('\n', '\n', '\r\n', '\r'))
  .map(([t, eol]) => (eol === '\n' ? t : t.replace(/\n/g, eol)));

/** Runs the emitters on a model and checks the shape of what they return. */
function emitChecked(model: NonNullable<ReturnType<typeof compileChecked>['model']>) {
  const gen = generate(model);
  expect(gen.files.has('mtc-build.json')).toBe(true);
  expect(gen.files.has('docs/index.html')).toBe(true);
  for (const [path, content] of gen.files) {
    expect(typeof content, path).toBe('string');
    if (path.endsWith('.c')) {
      expect(content, path).toContain(GENERATED_MARKER);
      expect(content, `${path}: printable ASCII only`).toMatch(/^[\x20-\x7e\n]*$/);
    }
    if (path.endsWith('.json')) expect(() => JSON.parse(content), path).not.toThrow();
    if (path.endsWith('.html')) expect(content.trimEnd().endsWith('</html>'), path).toBe(true);
  }
  return gen;
}

describe('valid generated rule files', () => {
  test('parse without errors; the checker never throws and its spans are inside the file', () => {
    fc.assert(
      fc.property(validFile, (text) => {
        const p = parseChecked(text, 'a.mtc');
        expect(errorsOf(p.diagnostics)).toEqual([]);
        compileChecked({ 'a.mtc': text });
      }),
      { numRuns: 250, seed: 0x5eed01 },
    );
  });

  test('formatting keeps the AST and every comment, and is idempotent', async () => {
    await fc.assert(
      fc.asyncProperty(validFile, async (text) => {
        await expectInvariants(text, 'generated');
      }),
      { numRuns: 80, seed: 0x5eed02 },
    );
  });

  test('the emitters run on every error-free model (rules with errors dropped first)', () => {
    let emitted = 0;
    let withRules = 0;
    fc.assert(
      fc.property(validFile, (text) => {
        const clean = compileClean(text);
        if (!clean) return;
        emitted++;
        const gen = emitChecked(clean.result.model!);
        if ([...gen.files.keys()].some((p) => p.endsWith('.c'))) withRules++;
      }),
      { numRuns: 150, seed: 0x5eed03 },
    );
    // The property must actually reach the emitters, and with real rules, often.
    expect(emitted).toBeGreaterThan(100);
    expect(withRules).toBeGreaterThan(50);
  });

  test('projects of several generated files that include each other (also in cycles and out of the root)', () => {
    const includeLine = fc
      .constantFrom('a.mtc', 'b.mtc', 'sub/c.mtc', '../a.mtc', '../../etc/passwd', '/etc/passwd', 'sub', '', '.', 'sub/../b.mtc', 'missing.mtc')
      .map((p) => `include "${p}";\n`);
    const project = fc.record({
      a: fc.tuple(fc.array(includeLine, { maxLength: 3 }), validFile),
      b: fc.tuple(fc.array(includeLine, { maxLength: 3 }), validFile),
      c: fc.tuple(fc.array(includeLine.map((l) => l.replace('"a.mtc"', '"../a.mtc"')), { maxLength: 3 }), mutated(validFile)),
    });
    fc.assert(
      fc.property(project, ({ a, b, c }) => {
        const files = { 'a.mtc': a[0].join('') + a[1], 'b.mtc': b[0].join('') + b[1], 'sub/c.mtc': c[0].join('') + c[1] };
        const r = compileChecked(files, { paths: ['a.mtc'] });
        for (const f of r.project.files) expect(f.realPath.startsWith(ROOT + '/'), f.realPath).toBe(true);
        if (errorsOf(r.diagnostics).length === 0 && r.model) emitChecked(r.model);
        // Walking the directory instead of naming a file reads the same root.
        compileChecked(files, { paths: ['.'], fs: memoryFileSystem(ROOT, files) });
      }),
      { numRuns: 60, seed: 0x5eed04 },
    );
  });
});

describe('mutated rule files', () => {
  test('the mutations are real: they change the text', () => {
    const samples = fc.sample(mutated(validFile), { numRuns: 50, seed: 0x5eed05 });
    expect(samples.filter((s) => parseChecked(s).diagnostics.length > 0).length).toBeGreaterThan(15);
    expect(applyMutation('machine a-1.0 { hide A; }', { op: 'delete', at: 0, len: 2 })).toBe('a-1.0 { hide A; }');
    expect(applyMutation('machine a-1.0;', { op: 'flipCase', at: 0, len: 1 })).toBe('MACHINE a-1.0;');
    expect(applyMutation('x y', { op: 'swap', a: 0, b: 2, len: 1 })).toBe('y x');
    expect(pieces('hide "a\\"b" // c\n;').join('')).toBe('hide "a\\"b" // c\n;');
  });

  test('parser and checker never throw; every span is inside the file', () => {
    fc.assert(
      fc.property(mutated(validFile), (text) => {
        parseChecked(text, 'a.mtc');
        const r = compileChecked({ 'a.mtc': text });
        if (errorsOf(r.diagnostics).length === 0 && r.model) emitChecked(r.model);
      }),
      { numRuns: 500, seed: 0x5eed06 },
    );
  });

  test('the formatter never throws: it refuses files with errors, and keeps the AST of the others', async () => {
    let formatted = 0;
    await fc.assert(
      fc.asyncProperty(mutated(validFile), async (text) => {
        const r = await formatSource(text, 'a.mtc');
        const parseErrors = errorsOf(parseChecked(text, 'a.mtc').diagnostics);
        expect(r.ok).toBe(parseErrors.length === 0);
        if (r.ok) {
          formatted++;
          await expectInvariants(text, 'mutated');
        } else {
          expectDiagnosticsInside(r.diagnostics, new Map([['a.mtc', text]]));
        }
      }),
      { numRuns: 150, seed: 0x5eed07 },
    );
    expect(formatted).toBeGreaterThan(0);
  });

  test('the emitters run on mutated files that still check clean (errors dropped first)', () => {
    let emitted = 0;
    fc.assert(
      fc.property(mutated(validFile), (text) => {
        const clean = compileClean(text);
        if (!clean) return;
        emitted++;
        emitChecked(clean.result.model!);
      }),
      { numRuns: 150, seed: 0x5eed08 },
    );
    expect(emitted).toBeGreaterThan(30);
  });

  test('the span check itself can fail (a span past the end is caught)', () => {
    const r = parseChecked('machine a-1.0 { hide ; }');
    const d = r.diagnostics[0]!;
    const bad = { ...d, span: { start: d.span!.start, end: { offset: 999, line: 1, column: 1000 } } };
    expect(() => expectDiagnosticsInside([bad], new Map([['f.mtc', 'machine a-1.0 { hide ; }']]))).toThrow();
    const wrongLine = { ...d, span: { start: { ...d.span!.start, line: 2 }, end: d.span!.end } };
    expect(() => expectDiagnosticsInside([wrongLine], new Map([['f.mtc', 'machine a-1.0 { hide ; }']]))).toThrow();
  });
});
