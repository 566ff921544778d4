import { describe, expect, it } from 'vitest';
import { renderHuman } from '../../src/diagnostics/render.js';
import { SourceFile } from '../../src/diagnostics/source.js';
import { parse } from '../helpers.js';
import { MAX_SYNTAX_DIAGNOSTICS } from '../../src/syntax/parser.js';

describe('code frames', () => {
  it('cut a long line around the mark and keep the caret under it', () => {
    const text = 'machine m-1.0; '.repeat(200) + '@' + ' machine n-1.0;'.repeat(200);
    const src = new SourceFile('long.mtc', text);
    const r = parse(text, 'long.mtc');
    const d = r.diagnostics.find((x) => x.code === 'MTC0001')!;
    const out = renderHuman(d, { color: false, sources: new Map([['long.mtc', src]]) });
    const [, , , code, caret] = out.split('\n');
    expect(code.startsWith('1 | ...')).toBe(true);
    expect(code.endsWith('...')).toBe(true);
    expect(code.length).toBeLessThan(200);
    // The caret sits under the `@`.
    expect(caret.indexOf('^')).toBe(code.indexOf('@'));
  });

  it('show a short line whole', () => {
    const text = 'machine m-1.0 { hidee X; }';
    const src = new SourceFile('s.mtc', text);
    const d = parse(text, 's.mtc').diagnostics[0];
    const out = renderHuman(d, { color: false, sources: new Map([['s.mtc', src]]) });
    expect(out).toContain(`1 | ${text}`);
    expect(out).toContain('  |                 ^^^^^');
  });
});

describe('error cap', () => {
  it('MTC0012: a file with thousands of errors reports the first ones and a count', () => {
    const text = '@ '.repeat(5000) + 'machine ; '.repeat(2000);
    const r = parse(text, 'many.mtc');
    expect(r.diagnostics).toHaveLength(MAX_SYNTAX_DIAGNOSTICS + 1);
    const last = r.diagnostics[r.diagnostics.length - 1];
    expect(last.code).toBe('MTC0012');
    expect(last.message).toMatch(/^\d+ more syntax errors in this file are not shown$/);
    expect(Number(last.message.split(' ')[0])).toBeGreaterThan(5000);
    expect(last.help).toBe('is this a rule file? fix the errors above and check again');
  });
});
