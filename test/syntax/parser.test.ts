import { describe, expect, it } from 'vitest';
import type * as A from '../../src/syntax/ast.js';
import { codes, parse, where } from '../helpers.js';

/** Strips spans so that ASTs compare on content. */
function shape(node: unknown): unknown {
  return JSON.parse(
    JSON.stringify(node, (k, v) => (k === 'span' ? undefined : typeof v === 'bigint' ? `0x${v.toString(16)}` : v)),
  );
}

function machine(text: string): A.Machine {
  const r = parse(text);
  expect(r.diagnostics).toEqual([]);
  const m = r.ast.statements[0];
  expect(m.kind).toBe('Machine');
  return m as A.Machine;
}

describe('constructs', () => {
  it('parses a machine type with every kind of rule', () => {
    const m = machine(`machine virt-10.1 inherits virt-10.2 {
  hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 since 6.15 { reason "a" "b"; ref linux "c0000e58c74e"; }
  tolerate TCR2_EL1 (0x603000000013c103), S3_0_C10_C2_2, sysreg(3, 0, 10, 2, 3), 0x6030_0000_0013_c513 kernel 6.5..6.12;
  tolerate KVM_REG_ARM_VENDOR_HYP_BMAP_2 when value & 0xffffffffffffffff == 0;
  set arm-cpu.pauth = off;
  set x86_64-cpu.level = 13 { reason "n"; }
  set virtio-net-pci.romfile = "";
  allow cpu 0x413fd0c1 revidr 0x1 aidr 0x2 since 6.15;
  requires kernel 5.19;
}`);
    expect(m.name?.name).toBe('virt-10.1');
    expect(m.inherits?.name).toBe('virt-10.2');
    expect(m.body.map((r) => r.kind)).toEqual([
      'Hide',
      'Tolerate',
      'Tolerate',
      'SetProperty',
      'SetProperty',
      'SetProperty',
      'Allow',
      'Requires',
    ]);
    const hide = m.body[0] as A.Hide;
    expect(hide.range?.from?.parts).toEqual([6, 15]);
    expect(hide.range?.to).toBeUndefined();
    expect(hide.attributes.map((a) => a.name.name)).toEqual(['reason', 'ref']);
    expect((hide.attributes[0].values[0] as A.StringLiteral).value).toBe('ab');
    const tol = m.body[1] as A.Tolerate;
    expect(shape(tol.registers)).toEqual([
      { kind: 'RegisterName', name: 'TCR2_EL1', expectedId: { kind: 'NumberLiteral', text: '0x603000000013c103', value: '0x603000000013c103' } },
      { kind: 'RegisterName', name: 'S3_0_C10_C2_2' },
      {
        kind: 'RegisterTuple',
        space: 'sysreg',
        fields: [3, 0, 10, 2, 3].map((n) => ({ kind: 'NumberLiteral', text: String(n), value: `0x${n.toString(16)}` })),
      },
      { kind: 'RegisterId', literal: { kind: 'NumberLiteral', text: '0x6030_0000_0013_c513', value: '0x603000000013c513' } },
    ]);
    expect(tol.range?.from?.text).toBe('6.5');
    expect(tol.range?.to?.text).toBe('6.12');
    const test = (m.body[2] as A.Tolerate).test!;
    expect(test.mask?.value).toBe(0xffffffffffffffffn);
    expect(test.value?.value).toBe(0n);
    const set = m.body[3] as A.SetProperty;
    expect([set.driver, set.property, set.value?.kind]).toEqual(['arm-cpu', 'pauth', 'Identifier']);
    expect((m.body[5] as A.SetProperty).value).toMatchObject({ kind: 'StringLiteral', value: '' });
    const allow = m.body[6] as A.Allow;
    expect([allow.midr?.value, allow.revidr?.value, allow.aidr?.value]).toEqual([0x413fd0c1n, 1n, 2n]);
    expect(allow.range?.from?.text).toBe('6.15');
    expect((m.body[7] as A.Requires).version?.parts).toEqual([5, 19]);
  });

  it('parses bodyless machine types, includes, targets and comments', () => {
    const r = parse('// head\ninclude "a/b.mtc"; // tail\ntarget tolerances;\nmachine virt-11.0; // last\n// end');
    expect(r.diagnostics).toEqual([]);
    expect(r.ast.statements.map((s) => s.kind)).toEqual(['Include', 'Target', 'Machine']);
    expect((r.ast.statements[0] as A.Include).path?.value).toBe('a/b.mtc');
    expect((r.ast.statements[1] as A.Target).name?.name).toBe('tolerances');
    expect((r.ast.statements[2] as A.Machine).bodyless).toBe(true);
    expect(r.ast.comments.map((c) => c.text)).toEqual([' head', ' tail', ' last', ' end']);
    expect(where({ code: '', severity: 'note', message: '', span: r.ast.comments[1].span })).toBe('2:20-2:27');
  });

  it('accepts every kernel range form and clause order', () => {
    const m = machine(
      'machine m-1.0 { hide A kernel 6.5..; hide B kernel ..6.12; hide C kernel 6.13; tolerate D kernel 6.1..6.2 when value & 1 == 1; }',
    );
    const ranges = m.body.map((r) => [r.range?.from?.text, r.range?.to?.text]);
    expect(ranges).toEqual([
      ['6.5', undefined],
      [undefined, '6.12'],
      ['6.13', '6.13'],
      ['6.1', '6.2'],
    ]);
    expect((m.body[3] as A.Tolerate).test?.mask?.value).toBe(1n);
  });

  it('decodes string escapes', () => {
    const m = machine('machine m-1.0 { hide A { reason "q\\"b\\\\n\\nt\\tu\\u{263A}"; } }');
    const v = (m.body[0].attributes[0].values[0] as A.StringLiteral).value;
    expect(v).toBe('q"b\\n\nt\tu\u263a');
  });

  it('gives exact end-exclusive spans with line and column', () => {
    const r = parse('machine virt-10.1 {\r\n  hide TCR2_EL1;\r\n}\r\n');
    expect(r.diagnostics).toEqual([]);
    const m = r.ast.statements[0] as A.Machine;
    expect(m.span.start).toEqual({ offset: 0, line: 1, column: 1 });
    expect(m.span.end).toEqual({ offset: 40, line: 3, column: 2 });
    const reg = (m.body[0] as A.Hide).registers[0];
    expect(reg.span.start).toEqual({ offset: 28, line: 2, column: 8 });
    expect(reg.span.end).toEqual({ offset: 36, line: 2, column: 16 });
    expect(r.source.text.slice(reg.span.start.offset, reg.span.end.offset)).toBe('TCR2_EL1');
  });
});

describe('syntax diagnostics', () => {
  it('MTC0001 invalid characters, as one diagnostic per run', () => {
    const r = parse('machine m-1.0; @@@ machine n-1.0;');
    expect(codes(r.diagnostics)).toEqual(['MTC0001']);
    expect(r.diagnostics[0].message).toBe('invalid characters "@@@"');
    expect(where(r.diagnostics[0])).toBe('1:16-1:19');
    expect(r.ast.statements).toHaveLength(2);
  });

  it('MTC0001 suggests // for # comments', () => {
    const r = parse('# comment\nmachine m-1.0;');
    expect(r.diagnostics[0].code).toBe('MTC0001');
    expect(r.diagnostics[0].help).toBe('comments start with `//`');
  });

  it('MTC0002 unterminated string, still parsed', () => {
    const r = parse('machine m-1.0 { hide A { reason "oops; } }\n');
    expect(codes(r.diagnostics)).toContain('MTC0002');
    const d = r.diagnostics.find((x) => x.code === 'MTC0002')!;
    expect(where(d)).toBe('1:33-1:43');
  });

  it('MTC0003 invalid escape', () => {
    const r = parse('machine m-1.0 { hide A { reason "a\\qb"; } }');
    expect(codes(r.diagnostics)).toEqual(['MTC0003']);
    expect(where(r.diagnostics[0])).toBe('1:35-1:37');
    expect(r.diagnostics[0].message).toBe('unknown escape sequence `\\q` in a string');
  });

  it('MTC0004 missing `;` is reported after the previous token and parsing goes on', () => {
    const r = parse('machine m-1.0 {\n  hide A\n  hide B;\n}');
    expect(codes(r.diagnostics)).toEqual(['MTC0004']);
    expect(r.diagnostics[0].message).toBe('expected `;` to end the rule, found `hide`');
    expect(where(r.diagnostics[0])).toBe('2:9-2:9');
    expect((r.ast.statements[0] as A.Machine).body).toHaveLength(2);
  });

  it('MTC0004 missing `}` at end of file keeps the machine type', () => {
    const r = parse('machine m-1.0 {\n  hide A;\n');
    expect(codes(r.diagnostics)).toEqual(['MTC0004']);
    expect(r.diagnostics[0].message).toBe('expected `}` to close machine type `m-1.0`, found end of file');
    expect(r.ast.statements).toHaveLength(1);
  });

  it('MTC0004 missing `}` before the next machine type', () => {
    const r = parse('machine m-1.0 {\n  hide A;\nmachine m-2.0;');
    expect(codes(r.diagnostics)).toEqual(['MTC0004']);
    expect(r.ast.statements).toHaveLength(2);
  });

  it('MTC0005 unknown rule, with a suggestion', () => {
    const r = parse('machine m-1.0 {\n  hidee A;\n  hide B;\n}');
    expect(codes(r.diagnostics)).toEqual(['MTC0005']);
    expect(r.diagnostics[0].message).toBe(
      'unknown rule `hidee`: expected a rule (`hide`, `tolerate`, `set`, `use`, `allow` or `requires`)',
    );
    expect(r.diagnostics[0].help).toBe('did you mean `hide`?');
    expect(where(r.diagnostics[0])).toBe('2:3-2:8');
    expect((r.ast.statements[0] as A.Machine).body).toHaveLength(1);
  });

  it('MTC0005 junk at top level skips a whole braced block', () => {
    const r = parse('machin m-1.0 { hide A; }\nmachine m-2.0;');
    expect(codes(r.diagnostics)).toEqual(['MTC0005']);
    expect(r.diagnostics[0].message).toBe('unexpected `machin`: expected `machine`, `compat`, `include` or `target`');
    expect(r.ast.statements).toHaveLength(1);
  });

  it('MTC0005 missing machine body', () => {
    const r = parse('machine m-1.0 hide');
    expect(codes(r.diagnostics)).toContain('MTC0005');
    expect(r.diagnostics.find((d) => d.code === 'MTC0005')!.message).toBe(
      'expected `{` or `;` after the machine type name, found `hide`',
    );
  });

  it('MTC0006 empty register list', () => {
    const r = parse('machine m-1.0 {\n  hide ;\n}');
    expect(codes(r.diagnostics)).toEqual(['MTC0006']);
    expect(r.diagnostics[0].message).toBe('expected at least one register, found `;`');
    expect(where(r.diagnostics[0])).toBe('2:8-2:9');
  });

  it('MTC0007 malformed numbers', () => {
    for (const [text, msg] of [
      ['0xZZ', '`0xZZ` is not a hexadecimal number'],
      ['0x', '`0x` is not a hexadecimal number'],
      ['12ab', '`12ab` is not a number'],
      ['0x1_0000_0000_0000_0000', '`0x1_0000_0000_0000_0000` does not fit in 64 bits'],
    ]) {
      const r = parse(`machine m-1.0 { hide ${text}; }`);
      expect(codes(r.diagnostics)).toEqual(['MTC0007']);
      expect(r.diagnostics[0].message).toBe(msg);
      expect(where(r.diagnostics[0])).toBe(`1:22-1:${22 + text.length}`);
    }
  });

  it('MTC0008 malformed versions', () => {
    const r = parse('machine m-1.0 { requires kernel 6; hide A since 6.1.2.3; }');
    expect(codes(r.diagnostics)).toEqual(['MTC0008', 'MTC0008']);
    expect(r.diagnostics.map(where)).toEqual(['1:33-1:34', '1:49-1:56']);
  });

  it('MTC0009 file too large and MTC0010 too many tokens', () => {
    const big = parse('machine m-1.0;'.repeat(10));
    expect(big.diagnostics).toEqual([]);
    const { parseSource } = require_parser();
    const r1 = parseSource(big.source, { limits: { maxFileBytes: 50, maxTokens: 1000, maxIncludeDepth: 4, maxFiles: 10, maxChainLength: 128 } });
    expect(codes(r1.diagnostics)).toEqual(['MTC0009']);
    const r2 = parseSource(big.source, { limits: { maxFileBytes: 5000, maxTokens: 10, maxIncludeDepth: 4, maxFiles: 10, maxChainLength: 128 } });
    expect(codes(r2.diagnostics)).toEqual(['MTC0010']);
    expect(r2.diagnostics[0].message).toBe('file has 30 tokens, more than the limit of 10');
  });

  it('MTC1009 repeated clauses', () => {
    const r = parse('machine m-1.0 { hide A since 6.1 since 6.2; allow cpu 0x413fd0c1 revidr 1 revidr 2; hide B when value & 1 == 1; }');
    expect(codes(r.diagnostics)).toEqual(['MTC1009', 'MTC1009', 'MTC1009']);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'a rule has at most one kernel range',
      '`revidr` is given twice in one rule',
      'only `tolerate` rules take a `when value & MASK == VALUE` test',
    ]);
  });

  it('reports every error of a file in one run and keeps the good parts', () => {
    const r = parse(`machine virt-10.1 {
  hide ;
  hidee TCR2_EL1;
  tolerate TCR2_EL1 kernel 6.5..6.12 { reason "x"; }
  set arm-cpu.pauth = off
  allow cpu 0xZZ;
  requires kernel 6.x;
}
@@ garbage
machine virt-10.2 {`);
    expect(codes(r.diagnostics).sort()).toEqual(
      ['MTC0001', 'MTC0001', 'MTC0004', 'MTC0004', 'MTC0004', 'MTC0005', 'MTC0005', 'MTC0005', 'MTC0006', 'MTC0007', 'MTC0008'].sort(),
    );
    const names = r.ast.statements.map((s) => (s as A.Machine).name?.name);
    expect(names).toEqual(['virt-10.1', 'virt-10.2']);
    const body = (r.ast.statements[0] as A.Machine).body.map((x) => x.kind);
    expect(body).toContain('Tolerate');
    expect(body).toContain('SetProperty');
    expect(body).toContain('Allow');
  });

  it('never uses Chevrotain wording', () => {
    const r = parse('machine { hide ( ; } } ) include 5; target "x"; machine m-1.0 inherits { }');
    expect(r.diagnostics.length).toBeGreaterThan(0);
    for (const d of r.diagnostics) {
      expect(d.message).not.toMatch(/-->|<--|Expecting|token of type/);
      expect(d.help).toBeTruthy();
      expect(d.span).toBeDefined();
    }
  });
});

import * as parserModule from '../../src/syntax/parser.js';
function require_parser() {
  return parserModule;
}
