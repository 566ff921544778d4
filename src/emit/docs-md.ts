/**
 * The Markdown page of one machine family (out/docs/<family>.md). Tables are
 * written compactly (`|a|b|`); every text is escaped with mdEscape and links
 * are only made from safe http(s) URLs or to the page's own headings.
 */
import type { Reference } from '../resolve/model.js';
import { VERSION } from '../version.js';
import { GENERATED_MARKER } from './c.js';
import { INTRO, RULE_HEAD, inSpan, spanText, type FamilyDoc, type Rich, type RuleRow, type Piece } from './docs-model.js';
import { mdEscape, safeUrl } from '../util/escape.js';

function mdRefs(refs: readonly Reference[] | undefined): string {
  return (refs ?? [])
    .map((r) => {
      const label = mdEscape(`${r.kind} ${r.value}`);
      // safeUrl leaves no space, quote, angle bracket or parenthesis; a `|` would end the table cell.
      const url = safeUrl(r.url)?.replace(/\|/g, '%7C');
      return url ? `[${label}](${url})` : label;
    })
    .join(', ');
}

/** GitHub's anchor of a Markdown heading (lower case; letters, digits, `-` and `_` kept; spaces to `-`). */
function mdAnchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/**
 * A code span when the text allows one (printable ASCII, no backtick, no
 * backslash), else escaped text. GFM splits a table row before it reads code
 * spans, taking a backslash as escaping the next character: `\|` in a code
 * span would be an escaped backslash and the end of the cell.
 */
function mdCode(c: string): string {
  return /^[\x20-\x7e]*$/.test(c) && !/[`\\]/.test(c) && c.trim() !== '' ? `\`${c.replace(/\|/g, '\\|')}\`` : mdEscape(c);
}

function mdPiece(s: Piece, family: string): string {
  if (typeof s === 'string') return mdEscape(s);
  if ('code' in s) return mdCode(s.code);
  // A machine type of another family is on another page: named, not linked.
  return s.family === family ? `[${mdEscape(s.text)}](#${mdAnchor(s.machine)})` : mdEscape(s.text);
}

function mdRich(r: Rich, family: string): string {
  return r.map((s) => mdPiece(s, family)).join('');
}

/** The machine type's own rules: one row each. */
function mdRules(rows: readonly RuleRow[], family: string, lines: string[]): void {
  lines.push(`|${RULE_HEAD.join('|')}|`, `|${RULE_HEAD.map(() => '-|').join('')}`);
  for (const r of rows) lines.push(`|${mdRich(r.rule, family)}|${mdEscape(r.reason)}|${mdRefs(r.refs)}|`);
  lines.push('');
}

export function familyMarkdown(doc: FamilyDoc): string {
  const f = doc.family;
  const lines = [`<!-- ${GENERATED_MARKER} ${VERSION}. Do not edit: change the rules and run \`mtc build\`. -->`, '', `# Machine family ${mdEscape(f)}`, '', mdEscape(INTRO), ''];
  for (const p of doc.intro) lines.push(mdEscape(p), '');
  for (const s of doc.sections) {
    lines.push(`## ${mdEscape(s.machine.name)}`, '');
    lines.push(mdRich(s.summary, f), '');
    if (s.rules.length > 0) mdRules(s.rules, f, lines);
  }
  lines.push('## Kernel versions per rule', '');
  if (doc.kernelRows.length === 0) lines.push('No rule of this family concerns particular kernel versions.');
  else {
    const vs = doc.kernelVersions;
    lines.push(`|Rule|Machine type|From|To|${vs.map((v) => `${mdEscape(v)}|`).join('')}`, `|-|-|-|-|${vs.map(() => ':-:|').join('')}`);
    for (const r of doc.kernelRows) {
      const [from, to] = spanText(r.span);
      lines.push(`|${mdEscape(r.rule)}|${mdEscape(r.machine)}|${mdEscape(from)}|${mdEscape(to)}|${vs.map((v) => (inSpan(v, r.span) ? '●|' : '|')).join('')}`);
    }
  }
  return lines.join('\n') + '\n';
}
