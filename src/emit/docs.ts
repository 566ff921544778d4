/**
 * Documentation: a Markdown page per machine family (out/docs/<family>.md)
 * and one self-contained HTML page (out/docs/index.html: inline CSS, no
 * script, no external asset). All rule text is escaped (mdEscape /
 * htmlEscape) and links are only made from safe http(s) URLs.
 */
import type { KernelSpan, MachineType, Model, Provenance, Reference } from '../resolve/model.js';
import { VERSION } from '../version.js';
import { GENERATED_MARKER, kernelText } from './c.js';
import { decodeMidr, hex, implementerLabel, partLabel } from './midr.js';
import { idHex16, type BuildPlan, HIDDEN_PROP, SAFE_MISSING_PROP } from './plan.js';
import { htmlEscape, mdEscape, safeUrl } from '../util/escape.js';

/** One row of a documentation table, as plain (unescaped) cells plus references. */
interface Row {
  readonly cells: readonly string[];
  readonly refs?: readonly Reference[];
  /**
   * An inherited rule: the machine type that declares it. Its Origin cell links
   * to that machine type's section, where the reason and references are; they
   * are not repeated here (issue 16: the docs of a long chain repeated every
   * inherited rule in full, 16x the size of the rules).
   */
  readonly inheritedFrom?: string;
}

interface Table {
  readonly title: string;
  readonly head: readonly string[];
  readonly rows: readonly Row[];
  /** Index of the cell to render as code. */
  readonly code?: readonly number[];
}

interface Section {
  readonly machine: MachineType;
  readonly summary: readonly string[];
  readonly tables: readonly Table[];
}

interface FamilyDoc {
  readonly family: string;
  readonly sections: readonly Section[];
  readonly kernelVersions: readonly string[];
  readonly kernelRows: readonly { readonly rule: string; readonly machine: string; readonly span: KernelSpan | undefined }[];
}

function cmpVersion(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pb = b.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

function inSpan(v: string, s: KernelSpan | undefined): boolean {
  if (!s) return true;
  if (s.from !== undefined && cmpVersion(v, s.from) < 0) return false;
  if (s.to !== undefined && cmpVersion(v, s.to) > 0) return false;
  return true;
}

function origin(p: Provenance & { compatSet?: string; optional?: boolean }, m: MachineType): string {
  const base = p.origin === m.name ? 'own' : `inherited from ${p.origin}`;
  const extra = [p.compatSet !== undefined ? `compat set ${p.compatSet}` : undefined, p.optional ? 'optional' : undefined].filter(Boolean);
  return extra.length > 0 ? `${base} (${extra.join(', ')})` : base;
}

/** A rule's row: its own cells, then Origin, Reason and References, or a link to where it is declared. */
function ruleRow(p: Provenance, m: MachineType, cells: string[]): Row {
  if (p.origin === m.name) return { cells: [...cells, origin(p, m), p.reason ?? ''], refs: p.refs };
  return { cells: [...cells, origin(p, m), ''], inheritedFrom: p.origin };
}

function familyDoc(family: string, machines: readonly MachineType[], plan: BuildPlan): FamilyDoc {
  const sections: Section[] = [];
  const kernelRows: FamilyDoc['kernelRows'][number][] = [];
  const versions = new Set<string>();
  for (const m of machines) {
    const summary: string[] = [];
    summary.push(m.inherits ? `Inherits the compat rules of ${m.inherits} (chain: ${m.chain.join(' → ')}).` : 'Newest machine type of its chain: inherits nothing.');
    summary.push(
      m.target === 'tolerances'
        ? 'C target tolerances: arm_register_cpreg_mig_tolerance() calls registered for this machine type.'
        : m.effective.hidden.length > 0 || m.effective.tolerated.length > 0
          ? `C target x-mig: CPU array properties ${HIDDEN_PROP} and ${SAFE_MISSING_PROP} of the RFC series (no released QEMU has them), each set once with the list merged over the chain.`
          : 'Compat properties (compat_props_add()).',
    );
    const mp = plan.byMachine.get(m.name);
    if (!mp?.arrays && !mp?.props && !mp?.tolerance && m.inherits) summary.push(`Adds nothing of its own to the generated C: ${m.inherits}'s entries stay in force.`);
    const e = m.effective;
    const tables: Table[] = [];
    if (e.hidden.length > 0)
      tables.push({
        title: 'Hidden registers',
        head: ['Register', 'Id', 'Kernels', 'Origin', 'Reason', 'References'],
        code: [1],
        rows: e.hidden.map((h) => ruleRow(h, m, [h.name ?? '(unnamed)', idHex16(h.id), kernelText(h.kernels) ?? 'all'])),
      });
    if (e.tolerated.length > 0)
      tables.push({
        title: 'Tolerated registers',
        head: ['Register', 'Id', 'Accepted when', 'Kernels', 'Origin', 'Reason', 'References'],
        code: [1],
        rows: e.tolerated.map((t) =>
          ruleRow(t, m, [
            t.name ?? '(unnamed)',
            idHex16(t.id),
            t.kind === 'source-value' ? `on the source only, if (value & ${idHex16(t.mask ?? 0n)}) == ${idHex16(t.value ?? 0n)}` : 'present on one end only',
            kernelText(t.kernels) ?? 'all',
          ]),
        ),
      });
    if (e.properties.length > 0)
      tables.push({
        title: 'Properties set',
        head: ['Driver', 'Property', 'Value', 'Origin', 'Reason', 'References'],
        code: [0, 1, 2],
        rows: e.properties.map((p) => ruleRow(p, m, [p.driver, p.property, p.value])),
      });
    if (e.allowedCpus.length > 0)
      tables.push({
        title: 'Allowed host CPUs',
        head: ['MIDR', 'Implementer', 'Part', 'REVIDR', 'AIDR', 'Reason', 'References'],
        code: [0],
        rows: e.allowedCpus.map((c) => {
          const d = decodeMidr(c.midr);
          return {
            cells: [hex(Number(c.midr), 8), implementerLabel(d), partLabel(d), c.revidr !== undefined ? idHex16(c.revidr) : 'any', c.aidr !== undefined ? idHex16(c.aidr) : 'any', c.reason ?? ''],
            refs: c.refs,
          };
        }),
      });
    if (e.requiresKernel)
      tables.push({
        title: 'Host kernel',
        head: ['Minimum version', 'Reason', 'References'],
        rows: [{ cells: [e.requiresKernel.version, e.requiresKernel.reason ?? ''], refs: e.requiresKernel.refs }],
      });
    if (tables.length === 0) summary.push('No compat rules in force.');
    sections.push({ machine: m, summary, tables });
    // Kernel table: each rule written on this machine type, once.
    const seen = new Set<string>();
    const own = [...m.own.hidden.map((r) => ['hide', r] as const), ...m.own.tolerated.map((r) => ['tolerate', r] as const)];
    for (const [verb, r] of own) {
      const key = `${r.source.file}:${r.source.line}:${r.source.column}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const names = own.filter(([, x]) => `${x.source.file}:${x.source.line}:${x.source.column}` === key).map(([, x]) => x.name ?? idHex16(x.id));
      kernelRows.push({ rule: `${verb} ${names.join(', ')}`, machine: m.name, span: r.kernels });
      if (r.kernels?.from) versions.add(r.kernels.from);
      if (r.kernels?.to) versions.add(r.kernels.to);
    }
    if (m.own.requiresKernel) {
      kernelRows.push({ rule: `requires kernel ${m.own.requiresKernel.version}`, machine: m.name, span: { from: m.own.requiresKernel.version } });
      versions.add(m.own.requiresKernel.version);
    }
  }
  return { family, sections, kernelVersions: [...versions].sort(cmpVersion), kernelRows };
}

function familyDocs(model: Model, plan: BuildPlan): FamilyDoc[] {
  const fams: string[] = [];
  for (const m of model.machines) if (!fams.includes(m.family)) fams.push(m.family);
  return fams.map((f) =>
    familyDoc(
      f,
      model.machines.filter((m) => m.family === f),
      plan,
    ),
  );
}

function spanText(s: KernelSpan | undefined): [string, string] {
  return [s?.from ?? '(any)', s?.to ?? '(open)'];
}

/* ---------- Markdown ---------- */

function mdRefs(refs: readonly Reference[] | undefined): string {
  return (refs ?? [])
    .map((r) => {
      const label = mdEscape(`${r.kind} ${r.value}`);
      const url = safeUrl(r.url);
      return url ? `[${label}](<${url}>)` : label;
    })
    .join(', ');
}

/** GitHub's anchor of a Markdown heading (lower case; letters, digits, `-` and `_` kept; spaces to `-`). */
function mdAnchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function mdTable(t: Table): string[] {
  const lines = [`#### ${mdEscape(t.title)}`, '', `| ${t.head.map(mdEscape).join(' | ')} |`, `|${t.head.map(() => ' --- |').join('')}`];
  for (const r of t.rows) {
    const originCell = r.inheritedFrom !== undefined ? t.head.indexOf('Origin') : -1;
    const cells = r.cells.map((c, i) =>
      i === originCell
        ? `[${mdEscape(c)}](#${mdAnchor(r.inheritedFrom!)})`
        : t.code?.includes(i) && /^[\x20-\x7e]*$/.test(c) && !c.includes('`')
          ? `\`${c.replace(/\|/g, '\\|')}\``
          : mdEscape(c),
    );
    if (t.head.length > r.cells.length) cells.push(mdRefs(r.refs));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

export function emitFamilyMarkdown(doc: FamilyDoc): string {
  const lines = [
    `<!-- ${GENERATED_MARKER} ${VERSION}. Do not edit: change the rules and run \`mtc build\`. -->`,
    '',
    `# Machine family ${mdEscape(doc.family)}`,
    '',
    'What each machine type hides, tolerates and sets for live migration across host kernels, and why. Older machine types inherit the rules of newer ones, as in QEMU.',
    '',
  ];
  for (const s of doc.sections) {
    lines.push(`## ${mdEscape(s.machine.name)}`, '');
    for (const p of s.summary) lines.push(mdEscape(p), '');
    for (const t of s.tables) lines.push(...mdTable(t), '');
  }
  lines.push('## Kernel versions per rule', '');
  if (doc.kernelRows.length === 0) lines.push('No rule of this family concerns particular kernel versions.', '');
  else {
    const vs = doc.kernelVersions;
    lines.push(`| Rule | Machine type | From | To |${vs.map((v) => ` ${mdEscape(v)} |`).join('')}`);
    lines.push(`| --- | --- | --- | --- |${vs.map(() => ' :-: |').join('')}`);
    for (const r of doc.kernelRows) {
      const [from, to] = spanText(r.span);
      lines.push(`| ${mdEscape(r.rule)} | ${mdEscape(r.machine)} | ${mdEscape(from)} | ${mdEscape(to)} |${vs.map((v) => (inSpan(v, r.span) ? ' ● |' : ' |')).join('')}`);
    }
    lines.push('');
  }
  return lines.join('\n').replace(/\n+$/, '') + '\n';
}

/* ---------- HTML ---------- */

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f7f8fa;line-height:1.45}
header{background:#1d2a3a;color:#fff;padding:1.2rem 2rem}
header h1{margin:0;font-size:1.5rem}
header p{margin:.3rem 0 0;color:#c9d3e0}
nav{padding:.6rem 2rem;background:#e8ecf2;font-size:.95rem}
nav a{margin-right:1rem}
main{padding:1rem 2rem 3rem;max-width:80rem}
section.family{margin-top:1.5rem}
article.machine{background:#fff;border:1px solid #d8dee8;border-radius:6px;padding:.8rem 1.2rem;margin:1rem 0}
article.machine h3{margin:.2rem 0 .4rem;font-family:ui-monospace,Menlo,Consolas,monospace}
h4{margin:1rem 0 .3rem;font-size:1rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.3rem 0 .6rem}
th,td{border:1px solid #d8dee8;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef1f6}
td.c{text-align:center}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;overflow-wrap:anywhere}
a{color:#0b5cad}
p.note{color:#4a5568;margin:.2rem 0}
`.trim();

function htmlRefs(refs: readonly Reference[] | undefined): string {
  return (refs ?? [])
    .map((r) => {
      const label = htmlEscape(`${r.kind} ${r.value}`);
      const url = safeUrl(r.url);
      return url ? `<a href="${htmlEscape(url)}" rel="noreferrer">${label}</a>` : label;
    })
    .join('<br>');
}

function htmlTable(t: Table): string[] {
  const out = [`<h4>${htmlEscape(t.title)}</h4>`, '<table>', `<thead><tr>${t.head.map((h) => `<th>${htmlEscape(h)}</th>`).join('')}</tr></thead>`, '<tbody>'];
  for (const r of t.rows) {
    const originCell = r.inheritedFrom !== undefined ? t.head.indexOf('Origin') : -1;
    const cells = r.cells.map((c, i) =>
      i === originCell
        ? `<td><a href="#${htmlEscape(anchor('machine', r.inheritedFrom!))}">${htmlEscape(c)}</a></td>`
        : t.code?.includes(i)
          ? `<td><code>${htmlEscape(c)}</code></td>`
          : `<td>${htmlEscape(c)}</td>`,
    );
    if (t.head.length > r.cells.length) cells.push(`<td>${htmlRefs(r.refs)}</td>`);
    out.push(`<tr>${cells.join('')}</tr>`);
  }
  out.push('</tbody>', '</table>');
  return out;
}

function anchor(prefix: string, name: string): string {
  return `${prefix}-${name.replace(/[^A-Za-z0-9._-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}`)}`;
}

export function emitHtml(docs: readonly FamilyDoc[]): string {
  const lines = [
    '<!DOCTYPE html>',
    `<!-- ${GENERATED_MARKER} ${VERSION}. Do not edit: change the rules and run mtc build. -->`,
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
    '<title>Machine-type compat rules</title>',
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<header><h1>Machine-type compat rules</h1><p>What each machine type hides, tolerates and sets for live migration across host kernels, and why.</p></header>',
    `<nav>${docs.map((d) => `<a href="#${htmlEscape(anchor('family', d.family))}">${htmlEscape(d.family)}</a>`).join('')}</nav>`,
    '<main>',
  ];
  for (const d of docs) {
    lines.push(`<section class="family" id="${htmlEscape(anchor('family', d.family))}">`, `<h2>Machine family ${htmlEscape(d.family)}</h2>`);
    for (const s of d.sections) {
      lines.push(`<article class="machine" id="${htmlEscape(anchor('machine', s.machine.name))}">`, `<h3>${htmlEscape(s.machine.name)}</h3>`);
      for (const p of s.summary) lines.push(`<p class="note">${htmlEscape(p)}</p>`);
      for (const t of s.tables) lines.push(...htmlTable(t));
      lines.push('</article>');
    }
    lines.push(`<h3>Kernel versions per rule (${htmlEscape(d.family)})</h3>`);
    if (d.kernelRows.length === 0) lines.push('<p class="note">No rule of this family concerns particular kernel versions.</p>');
    else {
      const vs = d.kernelVersions;
      lines.push(
        `<table class="kernels"><thead><tr><th>Rule</th><th>Machine type</th><th>From</th><th>To</th>${vs.map((v) => `<th>${htmlEscape(v)}</th>`).join('')}</tr></thead>`,
        '<tbody>',
      );
      for (const r of d.kernelRows) {
        const [from, to] = spanText(r.span);
        lines.push(
          `<tr><td>${htmlEscape(r.rule)}</td><td>${htmlEscape(r.machine)}</td><td>${htmlEscape(from)}</td><td>${htmlEscape(to)}</td>${vs
            .map((v) => `<td class="c">${inSpan(v, r.span) ? '●' : ''}</td>`)
            .join('')}</tr>`,
        );
      }
      lines.push('</tbody></table>');
    }
    lines.push('</section>');
  }
  lines.push('</main>', '</body>', '</html>');
  return lines.join('\n') + '\n';
}

export function emitDocs(model: Model, plan: BuildPlan): { markdown: Map<string, string>; html: string } {
  const docs = familyDocs(model, plan);
  const markdown = new Map<string, string>();
  for (const d of docs) markdown.set(d.family, emitFamilyMarkdown(d));
  return { markdown, html: emitHtml(docs) };
}
