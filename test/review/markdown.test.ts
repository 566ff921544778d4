import { describe, expect, test } from 'vitest';
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from '../../src/review/render-markdown.js';
import type { DiffReport, Finding } from '../../src/review/report-types.js';
import { diffCase } from './helpers.js';

/** A real report blown up: many findings with QEMU lines and a long generated diff. */
function hugeReport(): DiffReport {
  const { report } = diffCase('rule-removed');
  const f0 = report.findings.find((f) => f.rule === 'MTC5001')!;
  const findings: Finding[] = Array.from({ length: 3000 }, (_, i) => ({ ...f0, machine: `virt-${(i % 40) + 1}.0`, subject: `h${i}`, message: `${f0.message} #${i} \`\`\` <b>x</b>` }));
  const diff = ['--- a/c/virt.c', '+++ b/c/virt.c', '@@ -1,4000 +1,4000 @@', ...Array.from({ length: 8000 }, (_, i) => (i % 2 ? '+' : '-') + ` line ${i} with \`\`\`\` fences`)].join('\n') + '\n';
  return {
    ...report,
    findings,
    machines: Array.from({ length: 40 }, (_, i) => ({ name: `virt-${i + 1}.0`, status: 'changed' as const, released: true, changes: 1 })),
    generated: [{ path: 'c/virt.c', status: 'changed', diff }],
  };
}

function balanced(md: string): void {
  expect(md.split('<details>').length).toBe(md.split('</details>').length);
  // Every opening fence has its closing fence of the same length.
  const fences = md.split('\n').filter((l) => /^\s*`{3,}/.test(l)).map((l) => l.trim().match(/^`+/)![0].length);
  const stack: number[] = [];
  for (const f of fences) {
    if (stack.length && stack[stack.length - 1] === f) stack.pop();
    else stack.push(f);
  }
  expect(stack).toEqual([]);
}

describe('markdown PR comment', () => {
  test('starts with the marker and a verdict line, then the counts', () => {
    const md = renderMarkdown(diffCase('rule-removed').report);
    const lines = md.split('\n');
    expect(lines[0]).toBe('<!-- mtc-diff -->');
    expect(lines[1]).toBe('### ❌ mtc diff: 1 breaking change');
    expect(lines[3]).toMatch(/^\*\*1 breaking, 0 waived, 0 warnings, 0 fixed pairs, 6 changes from 1 rule change in 2 machine types\*\*/);
    // The one finding, its detail (machine types, pairs, QEMU's lines) collapsed under it.
    expect(md).toContain('❌ **MTC5001 released-rule-removed**: virt-10.1: TCR2\\_EL1');
    expect(md).toContain('<details>\n<summary>2 machine types · 4 newly failing pairs · QEMU\'s lines</summary>');
    expect(md).toContain('- virt-10.0: n1-6.12 → n1-6.13, n1-6.12 → n1-6.15');
    balanced(md);
  });

  test('a huge report stays under GitHub\'s limit, is cut with a note, and stays well formed', () => {
    const r = hugeReport();
    const md = renderMarkdown(r);
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT - 5000); // it uses the room it has
    expect(md).toContain("This comment was cut to stay under GitHub's 65,536-character limit");
    expect(md.startsWith('<!-- mtc-diff -->\n### ❌ mtc diff:')).toBe(true);
    balanced(md);
    for (const limit of [2000, 5000, 20000]) {
      const small = renderMarkdown(r, { maxChars: limit });
      expect(small.length).toBeLessThanOrEqual(limit);
      balanced(small);
    }
  });

  test('each breaking change is said once, before anything else; when they do not fit, their detail goes before any of them does', () => {
    const r = hugeReport();
    const findings = r.findings.slice(0, 40).map((f, i) => ({ ...f, message: `cause ${i} end` }));
    const report = { ...r, findings, counts: { ...r.counts, breaking: 40 } };
    const full = renderMarkdown(report);
    for (let i = 0; i < 40; i++) expect(full.split(`cause ${i} end`).length, `cause ${i}`).toBe(2);
    expect(full.indexOf('**Breaking changes**')).toBeLessThan(full.indexOf('| Machine type |'));
    expect(full).not.toContain('**Findings**');
    expect(full).not.toContain('**Other findings**');
    // Room for every line but not for every detail: all 40 are there, the detail of the last ones is not.
    const small = renderMarkdown(report, { maxChars: 15000 });
    expect(small.length).toBeLessThanOrEqual(15000);
    for (let i = 0; i < 40; i++) expect(small).toContain(`cause ${i} end`);
    expect(small).toMatch(/… the detail of \d+ breaking changes not shown/);
    expect(small).toContain("This comment was cut to stay under GitHub's");
    balanced(small);
    // Less room than the lines need: a prefix, and how many are left out.
    const tiny = renderMarkdown(report, { maxChars: 3000 });
    expect(tiny).toContain('cause 0 end');
    expect(tiny).toMatch(/… \d+ more breaking changes not shown/);
    balanced(tiny);
  });

  test('user text cannot break out of a code block or inject HTML', () => {
    const r = hugeReport();
    const md = renderMarkdown({ ...r, generated: r.generated, findings: r.findings.slice(0, 1) });
    expect(md).not.toContain('<b>x</b>');
    expect(md).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(md).toContain('`````diff'); // longer than the ```` runs inside
  });
});
