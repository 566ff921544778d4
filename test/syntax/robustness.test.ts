import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseSource } from '../../src/syntax/parser.js';
import { SourceFile } from '../../src/diagnostics/source.js';
import { decodeUtf8 } from '../../src/resolve/load.js';

/** Parses and checks the invariants every input must keep: no throw, spans inside the file. */
function parseChecked(text: string) {
  const src = new SourceFile('f.mtc', text);
  const r = parseSource(src);
  for (const d of r.diagnostics) {
    expect(d.span).toBeDefined();
    expect(d.span!.start.offset).toBeGreaterThanOrEqual(0);
    expect(d.span!.end.offset).toBeLessThanOrEqual(text.length);
    expect(d.span!.start.offset).toBeLessThanOrEqual(d.span!.end.offset);
    expect(d.code).toMatch(/^MTC\d{4}$/);
  }
  return r;
}

describe('arbitrary input never throws or hangs', () => {
  it('empty file', () => {
    const r = parseChecked('');
    expect(r.diagnostics).toEqual([]);
    expect(r.ast.statements).toEqual([]);
  });

  it('binary bytes (decoded as UTF-8 with a diagnostic)', () => {
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff;
    const { text, diagnostic } = decodeUtf8(bytes, 'bin.mtc');
    expect(diagnostic?.code).toBe('MTC0011');
    const r = parseChecked(text);
    expect(r.diagnostics.length).toBeGreaterThan(0);
  });

  it('1 MB on one line', () => {
    const r = parseChecked('machine m-1.0 { hide ' + 'A,'.repeat(500_000) + 'B; }');
    expect(r.diagnostics).toEqual([]);
    const junk = parseChecked('x'.repeat(1 << 20));
    expect(junk.diagnostics.map((d) => d.code)).toEqual(['MTC0005']);
  });

  it('deep nesting of braces and parentheses', () => {
    const r = parseChecked('machine m-1.0 ' + '{'.repeat(100_000) + '}'.repeat(100_000));
    expect(r.diagnostics.length).toBeGreaterThan(0);
    const p = parseChecked('machine m-1.0 { hide sysreg' + '('.repeat(50_000) + '; }');
    expect(p.diagnostics.length).toBeGreaterThan(0);
  });

  it('unterminated strings, CRLF and non-ASCII', () => {
    parseChecked('machine m-1.0 {\r\n  hide A { reason "ünïcödé \u202e\u0000 ; }\r\n}\r\n');
    parseChecked('"'.repeat(10_000));
    parseChecked('machine m\u00e9-1.0;');
    const r = parseChecked('machine m-1.0 {\r\n hide A { reason "日本語 😀"; }\r\n}');
    expect(r.diagnostics).toEqual([]);
  });

  it('random strings of language fragments', () => {
    const fragments = [
      'machine', 'virt-10.1', 'inherits', '{', '}', ';', 'hide', 'tolerate', 'set', 'allow', 'cpu', 'requires', 'kernel',
      'since', '6.15', '..', 'when', 'value', '&', '==', '0xffffffffffffffff', 'sysreg', '(', ')', ',', '3', '"r"', '"',
      'reason', 'ref', 'linux', 'TCR2_EL1', '=', 'arm-cpu.pauth', '//c\n', '\n', ' ', '\u0000', '@', 'include', 'target',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 60 }), (parts) => {
        parseChecked(parts.join(' '));
      }),
      { numRuns: 1500, seed: 20261122 },
    );
  });

  it('random unicode text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        parseChecked(s);
      }),
      { numRuns: 1000, seed: 7 },
    );
  });
});
