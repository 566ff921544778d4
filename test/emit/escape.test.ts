import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { generate } from '../../src/emit/build.js';
import { cCommentText, cString, commentLines } from '../../src/emit/text.js';
import { htmlEscape, mdEscape, safeUrl } from '../../src/util/escape.js';
import { cTokens, parseGenerated } from './c-model.js';
import { modelOf, repoRoot, tempProject } from './helpers.js';
import { compileC } from './cc-util.js';

/** mtc string literals for the hostile texts (mtc escapes: \" \\ \n \u{...}). */
const HOSTILE_A = String.raw`"end */ comment /* nested \"quote\" back\\slash\nnew line ??/ trigraph ??= \u{0} nul \u{202E}rtl\u{202C} \u{7} bell caf\u{e9} <script>alert(1)</script> | pipe [x](javascript:alert(1)) \\"`;
const HOSTILE_B = String.raw`"*/ #define X 1 /* \\\n\"); system(\"rm -rf /\"); /* ??' ??( ??) ??! ??< ??> ??- \u{2028} \u{FEFF} \u{1F600}"`;
const VALUE = String.raw`"v\"a\\l??/ue\u{e9}*/ \u{202E}x"`;
const VALUE_DECODED = 'v"a\\l??/ue\u00e9*/ \u202ex';

function project(a: string, b: string, v: string): string {
  const text = readFileSync(join(repoRoot, 'test/fixtures/emit/adversarial/rules.mtc'), 'utf8')
    .replace(/REASON_A/g, a)
    .replace(/REASON_B/g, b)
    .replace(/VALUE_C/g, v);
  return tempProject({ 'rules/rules.mtc': text });
}

function build(a: string, b: string, v = VALUE) {
  const root = project(a, b, v);
  return generate(modelOf(['rules'], root));
}

describe('adversarial rule text in the C output', () => {
  const hostile = build(HOSTILE_A, HOSTILE_B);
  const benign = build('"plain reason"', '"another reason"');
  const hostileC = hostile.files.get('c/virt.c')!;
  const benignC = benign.files.get('c/virt.c')!;

  test('the token stream (comments stripped) equals the benign build', () => {
    expect(cTokens(hostileC).map((t) => t.text)).toEqual(cTokens(benignC).map((t) => t.text));
  });

  test('the hostile output still compiles (-Wall -Wextra -Werror)', () => {
    expect(compileC(hostileC, 'hostile.c').output).toBe('');
  });

  test('the property value reaches QEMU unchanged', () => {
    const unit = parseGenerated(hostileC);
    const entries = [...unit.arrays.values()].flat();
    expect(entries.find((e) => e.property === 'x-test-prop')?.value).toBe(VALUE_DECODED);
  });

  test('only printable ASCII, no trigraph, no line splice, lines <= 80 columns, 4-space indent', () => {
    for (const [path, text] of hostile.files) {
      if (!path.endsWith('.c')) continue;
      expect(text).toMatch(/^[\x20-\x7e\n]*$/);
      expect(text).not.toMatch(/\?\?[=/'()!<>-]/);
      expect(text).not.toMatch(/\\\n/);
      expect(text).not.toMatch(/^\s*\/\//m);
      for (const line of text.split('\n')) {
        expect(line.length, line).toBeLessThanOrEqual(80);
        expect(line).not.toMatch(/\s$/);
        const indent = /^ */.exec(line)![0].length;
        // Block-comment continuation lines are indent+1 (` * `); code is a multiple of 4... or aligned continuations.
        if (!/^ *\*/.test(line) && !/^ +[A-Za-z_"0-9]/.test(line)) expect(indent % 4, line).toBe(0);
      }
    }
  });

  test('the reasons are still there, escaped', () => {
    expect(hostileC).toContain('end * / comment / * nested "quote" back<U+005C>slash');
    expect(hostileC).toContain('<U+0000> nul <U+202E>rtl');
  });

  test('docs neutralise markup and script', () => {
    const html = hostile.files.get('docs/index.html')!;
    const md = hostile.files.get('docs/virt.md')!;
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).not.toContain('\u202e');
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('](javascript:');
    expect(md).not.toContain('\u202e');
    // Every row of a rules table keeps its three cells (Rule, Reason, References): a `|` in a reason cannot add a cell.
    const rows = md.split('## Kernel versions')[0]!.split('\n').filter((l) => /^\|(hide|tolerate|set) /.test(l));
    expect(rows.length).toBe(3);
    for (const line of rows) {
      // As GFM splits a row: a backslash escapes the next character (`\\|` is an escaped backslash, then the pipe).
      expect(line.replace(/\\./g, '').split('|').length).toBe(5);
    }
  });
});

describe('escaping functions (properties)', () => {
  test('comment text never ends the comment or forms a trigraph', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const t = cCommentText(s);
        expect(t).toMatch(/^[\x20-\x7e]*$/);
        expect(t).not.toContain('*/');
        expect(t).not.toContain('/*');
        expect(t).not.toContain('??');
        expect(t).not.toContain('\\');
      }),
    );
  });

  test('comment lines fit 80 columns', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (s) => {
        for (const l of commentLines(s, '     * ')) expect(l.length).toBeLessThanOrEqual(80);
      }),
    );
  });

  test('C strings decode back to the UTF-8 bytes of the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const lit = cString(s);
        expect(lit).toMatch(/^"[\x20-\x7e]*"$/);
        expect(lit).not.toMatch(/\?\?/);
        const toks = cTokens(lit);
        expect(toks).toHaveLength(1);
        expect(Buffer.from([...toks[0]!.value!].map((c) => c.charCodeAt(0))).toString('utf8')).toBe(Buffer.from(s, 'utf8').toString('utf8'));
      }),
    );
  });

  test('HTML and Markdown escapes', () => {
    expect(htmlEscape(`<a href="x" onload='y'>&`)).toBe('&lt;a href=&quot;x&quot; onload=&#39;y&#39;&gt;&amp;');
    expect(htmlEscape('a\u202eb\u0000')).toBe('a&lt;U+202E&gt;b&lt;U+0000&gt;');
    expect(mdEscape('a|b *c* [d](e) <f> `g`\nh')).toBe('a\\|b \\*c\\* \\[d\\]\\(e\\) &lt;f&gt; \\`g\\` h');
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl('https://x/"onmouseover=')).toBeUndefined();
    expect(safeUrl('https://x/a)b')).toBe('https://x/a%29b');
  });
});
