/**
 * The docs (issue 16): each rule once, on the machine type that writes it, so
 * their size is linear in the rules; what is in effect as counts; overrides
 * named; and the streaming API (one family at a time, on demand).
 */
import { describe, expect, test } from 'vitest';
import { docsStream, emitDocs } from '../../src/emit/docs.js';
import { planBuild } from '../../src/emit/plan.js';
import type { MachineType, Model } from '../../src/resolve/model.js';
import { modelOf, tempProject } from './helpers.js';

/** A chain of `n` machine types (virt-n.0 newest), each with one `set` and every fifth with a `hide`, each rule with its own reason. */
function chainRules(n: number): string {
  const out = ['target x-mig;', ''];
  for (let v = n; v >= 1; v--) {
    out.push(`machine virt-${v}.0 {`);
    out.push(`  set arm-cpu.x-prop-${v} = on {\n    reason "reason of set ${v} end";\n    ref linux "c0000e58c7${String(v).padStart(2, '0')}";\n  }`);
    if (v % 5 === 0) out.push(`  hide KVM_REG_ARM_VENDOR_HYP_BMAP_2 {\n    reason "reason of hide ${v} end";\n  }`);
    out.push('}', '');
  }
  return out.join('\n');
}

function model(files: Record<string, string>): Model {
  return modelOf(['rules'], tempProject(files));
}

function docsOf(m: Model) {
  return emitDocs(m, planBuild(m).plan);
}

describe('docs size is linear in the rules', () => {
  const sizes = [10, 20, 30].map((n) => {
    const d = docsOf(model({ 'rules/virt.mtc': chainRules(n) }));
    return { n, md: d.markdown.get('virt')!, html: d.html };
  });

  test('10, 20 and 30 machine types: each 10 more add the same bytes (within 2 %), not more and more', () => {
    for (const kind of ['md', 'html'] as const) {
      const [a, b, c] = sizes.map((s) => Buffer.byteLength(s[kind]));
      const first = b! - a!;
      const second = c! - b!;
      expect(first).toBeGreaterThan(0);
      expect(Math.abs(second - first) / first, `${kind}: ${a} ${b} ${c}`).toBeLessThan(0.02);
    }
  });

  test("no rule's reason appears more than once in a family's Markdown or in the page", () => {
    const { n, md, html } = sizes[2]!;
    for (let v = 1; v <= n; v++) {
      expect(md.split(`reason of set ${v} end`).length - 1, `set ${v}`).toBe(1);
      expect(html.split(`reason of set ${v} end`).length - 1, `set ${v}`).toBe(1);
      if (v % 5 === 0) expect(md.split(`reason of hide ${v} end`).length - 1, `hide ${v}`).toBe(1);
    }
  });

  test('each machine type counts what is in effect and links its parent', () => {
    const md = sizes[1]!.md;
    expect(md).toContain('## virt-20.0\n\nInherits nothing. In effect: 1 hidden register, its own; 1 property, its own.\n');
    // virt-1.0 inherits 19 properties and the hidden register (hidden by virt-20.0 first; the rows of 15.0, 10.0 and 5.0 say so).
    expect(md).toContain("## virt-1.0\n\nInherits [virt-2.0](#virt-20). In effect: 1 hidden register, [virt-2.0](#virt-20)'s; 20 properties, 1 its own.\n");
    expect(md).toContain("## virt-5.0\n\nInherits [virt-6.0](#virt-60). In effect: 1 hidden register, its own plus [virt-6.0](#virt-60)'s; 16 properties, 1 its own.\n");
    expect(md).toContain('|hide KVM\\_REG\\_ARM\\_VENDOR\\_HYP\\_BMAP\\_2 `0x6030000000160003` — also hidden by [virt-20.0](#virt-200)|reason of hide 5 end||');
    expect(md).toContain('|hide KVM\\_REG\\_ARM\\_VENDOR\\_HYP\\_BMAP\\_2 `0x6030000000160003`|reason of hide 20 end||');
    expect(md).toContain('|set `arm-cpu.x-prop-7 = on`|reason of set 7 end|[linux c0000e58c707](https://git.kernel.org/linus/c0000e58c707)|');
  });
});

describe('overrides', () => {
  const rules = `target x-mig;

machine virt-3.0 {
  set arm-cpu.a = on { reason "newest"; }
  set arm-cpu.b = on;
}
machine virt-2.0;
machine virt-1.0 {
  set arm-cpu.a = off { reason "older hosts"; }
  set arm-cpu.b = on;
}
`;
  const d = docsOf(model({ 'rules/virt.mtc': rules }));
  const md = d.markdown.get('virt')!;

  test('an own set names the value it overrides and where that value is set; an equal one says it repeats it', () => {
    expect(md).toContain('|set `arm-cpu.a = off` — overrides `on` of [virt-3.0](#virt-30)|older hosts||');
    expect(md).toContain('|set `arm-cpu.b = on` — repeats `on` of [virt-3.0](#virt-30)|||');
    expect(md).toContain('## virt-2.0\n\nInherits [virt-3.0](#virt-30). In effect: 2 properties, none its own.\n\n## virt-1.0');
    expect(md).toContain('In effect: 2 properties, all its own.');
    expect(d.html).toContain('<td>set <code>arm-cpu.a = off</code> — overrides <code>on</code> of <a href="#machine-virt-3.0">virt-3.0</a><td>older hosts<td>');
  });
});

describe('docsStream', () => {
  const m = modelOf(['examples/x-mig-series', 'rules/virt-rhel.mtc', 'examples/x86-smi-count']);
  const { plan } = planBuild(m);

  test('the families in model order; Markdown per family and the page in pieces equal emitDocs', () => {
    const s = docsStream(m, plan);
    const all = emitDocs(m, plan);
    expect(s.families).toEqual([...new Set(m.machines.map((x) => x.family))]);
    expect(s.families.length).toBeGreaterThan(1);
    for (const f of s.families) expect(s.markdown(f)).toBe(all.markdown.get(f));
    const chunks: string[] = [];
    s.writeHtml((c) => chunks.push(c));
    expect(chunks.join('')).toBe(all.html);
    // The head, one chunk per family, the tail.
    expect(chunks).toHaveLength(s.families.length + 2);
    for (const c of chunks) expect(c.split('<section ').length - 1).toBeLessThanOrEqual(1);
    expect(() => s.markdown('no-such-family')).toThrow(/no-such-family/);
  });

  test('nothing is made up front; one family reads its own machine types (and their parents) only', () => {
    const read = new Set<string>();
    const watched: MachineType[] = m.machines.map(
      (x) =>
        new Proxy(x, {
          get(target, key, receiver) {
            if (key === 'own' || key === 'effective') read.add(target.name);
            return Reflect.get(target, key, receiver);
          },
        }),
    );
    const s = docsStream({ ...m, machines: watched }, plan);
    expect([...read]).toEqual([]);
    const family = s.families[1]!;
    s.markdown(family);
    const names = new Set(m.machines.filter((x) => x.family === family).map((x) => x.name));
    expect(read.size).toBeGreaterThan(0);
    for (const n of read) expect(names.has(n), n).toBe(true);
  });
});

describe('Markdown table cells cannot be forged', () => {
  type MdNode = { type: string; children?: MdNode[] };
  // A value that is printable ASCII but holds a backslash before a pipe: in a code span GFM would read `\\|` as an
  // escaped backslash and a cell boundary, so such a value is written as escaped text.
  const rules = String.raw`target x-mig;

machine virt-2.0 {
  set arm-cpu.a = "x\\|y" { reason "ends with a backslash \\"; }
  set arm-cpu.b = "p|q";
  set arm-cpu.c = "r\\";
}
machine virt-1.0 {
  set arm-cpu.a = "z";
}
`;
  const md = docsOf(model({ 'rules/virt.mtc': rules })).markdown.get('virt')!;

  test('every row of a rules table has its three cells, as GFM splits it and as a Markdown parser reads it', async () => {
    const rows = md.split('## Kernel versions')[0]!.split('\n').filter((l) => l.startsWith('|set '));
    expect(rows).toHaveLength(4);
    for (const line of rows) expect(line.replace(/\\./g, '').split('|'), line).toHaveLength(5);
    const { parsers } = await import('prettier/plugins/markdown');
    const ast = (await parsers.markdown!.parse(md, {} as never)) as MdNode;
    const tables = (ast.children ?? []).filter((n) => n.type === 'table');
    expect(tables).toHaveLength(2);
    for (const t of tables) for (const r of t.children!) expect(r.children).toHaveLength(3);
    expect(md).toContain('|set arm-cpu.a = x\\\\\\|y|ends with a backslash \\\\|');
    expect(md).toContain('|set `arm-cpu.b = p\\|q`|');
    expect(md).toContain('|set `arm-cpu.a = z` — overrides x\\\\\\|y of [virt-2.0](#virt-20)|');
  });
});
