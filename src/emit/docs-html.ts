/**
 * The self-contained HTML page (out/docs/index.html: inline CSS, no script,
 * no external asset), written in pieces: the head, one section per family,
 * the tail. Lean markup: no whitespace between cells, the optional end tags
 * of cells and rows left out (HTML closes them), code columns styled by the
 * table's class instead of a <code> per cell, one referrer policy for every
 * link. All text is escaped with htmlEscape; links are only made from safe
 * http(s) URLs or to the page's own anchors.
 */
import type { Reference } from '../resolve/model.js';
import { VERSION } from '../version.js';
import { GENERATED_MARKER } from './c.js';
import { INTRO, RULE_HEAD, inSpan, spanText, type FamilyDoc, type Rich, type RuleRow, type Piece } from './docs-model.js';
import { htmlEscape, safeUrl } from '../util/escape.js';

const MONO = 'font-family:ui-monospace,Menlo,Consolas,monospace';

const CSS = [
  'body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f7f8fa;line-height:1.45}',
  'header{background:#1d2a3a;color:#fff;padding:1.2rem 2rem}',
  'header h1{margin:0;font-size:1.5rem}',
  'header p{margin:.3rem 0 0;color:#c9d3e0}',
  'nav{padding:.6rem 2rem;background:#e8ecf2;font-size:.95rem}',
  'nav a{margin-right:1rem}',
  'main{padding:1rem 2rem 3rem;max-width:80rem}',
  'section{margin-top:1.5rem}',
  'article{background:#fff;border:1px solid #d8dee8;border-radius:6px;padding:.8rem 1.2rem;margin:1rem 0}',
  `article h3{margin:.2rem 0 .4rem;${MONO}}`,
  'table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.3rem 0 .6rem}',
  'th,td{border:1px solid #d8dee8;padding:.3rem .5rem;text-align:left;vertical-align:top}',
  'th{background:#eef1f6}',
  `code{${MONO};font-size:.85rem;overflow-wrap:anywhere}`,
  '.k td:nth-child(n+5){text-align:center}',
  'a{color:#0b5cad}',
  'p{color:#4a5568;margin:.2rem 0}',
].join('\n');

export function anchor(prefix: string, name: string): string {
  return `${prefix}-${name.replace(/[^A-Za-z0-9._-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}`)}`;
}

function htmlRefs(refs: readonly Reference[] | undefined): string {
  return (refs ?? [])
    .map((r) => {
      const label = htmlEscape(`${r.kind} ${r.value}`);
      const url = safeUrl(r.url);
      return url ? `<a href="${htmlEscape(url)}">${label}</a>` : label;
    })
    .join('<br>');
}

function htmlPiece(s: Piece): string {
  if (typeof s === 'string') return htmlEscape(s);
  if ('code' in s) return `<code>${htmlEscape(s.code)}</code>`;
  return `<a href="#${htmlEscape(anchor('machine', s.machine))}">${htmlEscape(s.text)}</a>`;
}

function htmlRich(r: Rich): string {
  return r.map(htmlPiece).join('');
}

/** The machine type's own rules: one row each. */
function htmlRules(rows: readonly RuleRow[], out: string[]): void {
  out.push(`<table><tr>${RULE_HEAD.map((h) => `<th>${h}`).join('')}`);
  for (const r of rows) out.push(`<tr><td>${htmlRich(r.rule)}<td>${htmlEscape(r.reason)}<td>${htmlRefs(r.refs)}`);
  out.push('</table>');
}

/** The page up to the first family: head, CSS once, header and the family navigation. */
export function htmlHead(families: readonly string[]): string {
  return (
    [
      '<!DOCTYPE html>',
      `<!-- ${GENERATED_MARKER} ${VERSION}. Do not edit: change the rules and run mtc build. -->`,
      '<html lang="en">',
      '<head>',
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
      '<meta name="referrer" content="no-referrer">',
      '<title>Machine-type compat rules</title>',
      `<style>${CSS}</style>`,
      '</head>',
      '<body>',
      `<header><h1>Machine-type compat rules</h1><p>${htmlEscape(INTRO)}</p></header>`,
      `<nav>${families.map((f) => `<a href="#${htmlEscape(anchor('family', f))}">${htmlEscape(f)}</a>`).join('')}</nav>`,
      '<main>',
    ].join('\n') + '\n'
  );
}

/** One family's section. */
export function htmlFamily(d: FamilyDoc): string {
  const out = [`<section id="${htmlEscape(anchor('family', d.family))}"><h2>Machine family ${htmlEscape(d.family)}</h2>`];
  for (const p of d.intro) out.push(`<p>${htmlEscape(p)}</p>`);
  for (const s of d.sections) {
    out.push(`<article id="${htmlEscape(anchor('machine', s.machine.name))}"><h3>${htmlEscape(s.machine.name)}</h3>`);
    out.push(`<p>${htmlRich(s.summary)}</p>`);
    if (s.rules.length > 0) htmlRules(s.rules, out);
    out.push('</article>');
  }
  out.push(`<h3>Kernel versions per rule (${htmlEscape(d.family)})</h3>`);
  if (d.kernelRows.length === 0) out.push('<p>No rule of this family concerns particular kernel versions.</p>');
  else {
    const vs = d.kernelVersions;
    out.push(`<table class="k"><tr><th>Rule<th>Machine type<th>From<th>To${vs.map((v) => `<th>${htmlEscape(v)}`).join('')}`);
    for (const r of d.kernelRows) {
      const [from, to] = spanText(r.span);
      out.push(`<tr><td>${htmlEscape(r.rule)}<td>${htmlEscape(r.machine)}<td>${htmlEscape(from)}<td>${htmlEscape(to)}${vs.map((v) => (inSpan(v, r.span) ? '<td>●' : '<td>')).join('')}`);
    }
    out.push('</table>');
  }
  out.push('</section>');
  return out.join('\n') + '\n';
}

export function htmlTail(): string {
  return '</main>\n</body>\n</html>\n';
}
