/**
 * Large files are lexed and parsed a slice of whole statements at a time
 * (src/syntax/parser.ts, parsePiece): only one slice's tokens live at once.
 * A slice is kept only when it is clean, else the rest is parsed whole, so
 * the result must be exactly the whole-file parse: the same AST (kinds,
 * values, spans) and the same diagnostics, for every input.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSource, CHUNK_BYTES } from '../../src/syntax/parser.js';
import { SourceFile } from '../../src/diagnostics/source.js';
import { defaultLimits } from '../../src/util/limits.js';
import { corpusMachines, corpusText } from '../../bench/corpus.js';

/** Everything a parse says, with spans as line:column pairs (OffsetSpan's toJSON). */
function parsed(text: string, chunkBytes: number, slices?: [number, number][]): string {
  const r = parseSource(new SourceFile('f.mtc', text), { chunkBytes, ...(slices ? { onSlice: (a: number, b: number) => slices.push([a, b]) } : {}) });
  return JSON.stringify({ ast: r.ast, diagnostics: r.diagnostics }, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

const WHOLE = Number.MAX_SAFE_INTEGER;

function mtcFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...mtcFiles(p));
    else if (e.endsWith('.mtc')) out.push(p);
  }
  return out.sort();
}

describe('parsing in slices equals parsing whole', () => {
  it('the default slice is large: files under 128 KB are parsed whole', () => {
    expect(CHUNK_BYTES).toBe(64 * 1024);
  });

  it('the benchmark corpus, cut into many slices', () => {
    const text = corpusText(corpusMachines(200 * 1024));
    const whole = parsed(text, WHOLE);
    expect(JSON.parse(whole).diagnostics).toEqual([]);
    for (const chunk of [1, 100, 4096]) {
      const slices: [number, number][] = [];
      expect(parsed(text, chunk, slices)).toBe(whole);
      // Sliced indeed: each slice ends with a machine type's closing brace at the start of a line.
      expect(slices.length).toBeGreaterThan(text.length / (chunk + 1000));
      for (const [, end] of slices) expect(text.slice(end - 2, end)).toBe('\n}');
    }
  });

  it('every rule file of the repository (shipped rules, examples, test fixtures), whole and broken, alone and all together', () => {
    const files = [...mtcFiles('rules'), ...mtcFiles('examples'), ...mtcFiles('test/fixtures')];
    expect(files.length).toBeGreaterThan(50);
    let withErrors = 0;
    const all: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      all.push(text);
      // The file, and the file with one character dropped or a brace added at a few places (broken
      // statements exercise the fall-back to a whole parse of the rest).
      const variants = [text];
      for (let k = 1; k <= 3 && text.length > 0; k++) {
        const at = (k * 7919) % text.length;
        variants.push(text.slice(0, at) + text.slice(at + 1), text.slice(0, at) + (k === 2 ? '{' : '}') + text.slice(at));
      }
      for (const v of variants) {
        const whole = parsed(v, WHOLE);
        if (JSON.parse(whole).diagnostics.length > 0) withErrors++;
        for (const chunk of [1, 37]) expect(parsed(v, chunk), f).toBe(whole);
      }
    }
    expect(withErrors).toBeGreaterThan(50);
    const joined = all.join('\n');
    expect(parsed(joined, 1)).toBe(parsed(joined, WHOLE));
  });

  it('random sequences of statements, broken statements and stray text', () => {
    let sliced = 0;
    const good = [
      'machine a-1.0 {\n  set x.y = on;\n}\n',
      'machine b-1.0 inherits a-1.0 {\n  hide TCR2_EL1 {\n    reason "r";\n}\n}\n',
      'compat c {\n  set d.p = "x";\n}\n',
      'machine virt-10.1 { hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15 { reason "r"; } }\n',
      'machine virt-10.0 inherits virt-10.1 { set arm-cpu.x = on; }\n',
      'target x-mig;\n',
      'include "a.mtc";\n',
      'compat s1 { set d.p = "v}" optional; }\n',
      'machine m-1.0;\n',
      '// a comment with } and ; and "\n',
      'machine q-2.0 { allow cpu 0x413fd0c1 { reason "a \\" } ; quote"; } }\n',
    ];
    const bad = ['\n}', '{\n}\n', '}', ';', '{', '"unterminated }\n', 'machine', 'hide X;', '@', 'machine z-1.0 { set a.b = ', '\\', '/', '"\\\n'];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...good), fc.constantFrom(...bad)), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 120 }), (parts, chunk) => {
        const text = parts.join('');
        const slices: [number, number][] = [];
        expect(parsed(text, chunk, slices)).toBe(parsed(text, WHOLE));
        if (slices.length > 0) sliced++;
      }),
      { numRuns: 400, seed: 20261201 },
    );
    // Both paths ran: inputs cut into slices, and inputs whose first guess failed (parsed whole).
    expect(sliced).toBeGreaterThan(10);
    expect(sliced).toBeLessThan(400);
  });

  it('the token limit counts the whole file when it is parsed in slices', () => {
    // 9 tokens a line.
    const text = 'machine m-1.0 { set a.b = on; }\n'.repeat(50);
    const r = parseSource(new SourceFile('f.mtc', text), { chunkBytes: 64, limits: { ...defaultLimits, maxTokens: 100 } });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MTC0010']);
    expect(r.diagnostics[0].message).toBe('file has 450 tokens, more than the limit of 100');
    expect(r.ast.statements).toEqual([]);
  });
});
