/**
 * `mtc diff --format markdown`: one pull-request (or merge-request) comment.
 * A verdict line and counts first, then the breaking changes (one finding per
 * rule change, each said once, its detail: machine types, pairs, QEMU's lines,
 * collapsed in <details>), the diagnostics, a table of machine types, the
 * other findings in the same form, the rule changes, the migration matrix and
 * the generated C, each collapsed.
 * The whole comment stays under GitHub's limit of 65,536 characters: sections
 * are added in that order while they fit; the first that does not is cut
 * item by item, and a note says what was left out. Nothing can push the
 * breaking changes out: they come first, and when even they do not fit, their
 * detail goes before any of their lines does.
 */
import { mdEscape } from '../util/escape.js';
import type { DiffReport, Finding } from './report-types.js';
import { causeMachines, causePairs, causeSummaries, countsText, pairLine, pairsByMachine, pairsWithLines, treeLabel, where } from './render-text.js';

/** Lines of a list whose items are `- …` lines followed by indented or blank lines: one string per item. */
function groupLines(lines: readonly string[]): string[] {
  const items: string[] = [];
  for (const l of lines) if (l.startsWith('- ') || items.length === 0) items.push(l);
  else items[items.length - 1] += '\n' + l;
  return items;
}

/** GitHub's limit for an issue or pull-request comment body. */
export const GITHUB_COMMENT_LIMIT = 65536;
/** A marker to find (and update) the previous comment of the workflow. */
export const COMMENT_MARKER = '<!-- mtc-diff -->';

export interface MarkdownOptions {
  /** Character budget (default GITHUB_COMMENT_LIMIT); the output's length never exceeds it. */
  readonly maxChars?: number;
}

/** A code block whose fence is longer than any backtick run in the text. */
function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const f = '`'.repeat(longest + 1);
  // Control and bidi characters cannot hide inside a code block either.
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
  return `${f}${lang}\n${clean.replace(/\n$/, '')}\n${f}`;
}

/**
 * Inline code for text from the tree (file names, revisions): it stays on one
 * line (a line break, let alone a blank line, would end the code span and let
 * the rest be read as Markdown: a forged heading, an HTML comment hiding the
 * report), and control and bidi characters are shown as code points.
 */
const code = (s: string) =>
  `\`${s
    .replace(/`/g, "'")
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`)}\``;

/** Markdown text from the tree: escaped, and `@name` cannot mention (notify) anyone (a zero-width space after the @). */
const md = (s: string) => mdEscape(s).replace(/@(?=[A-Za-z0-9_])/g, '@&#8203;');

function icon(f: Finding): string {
  if (f.waived) return '🟡';
  return f.severity === 'error' ? '❌' : f.severity === 'warning' ? '⚠️' : 'ℹ️';
}

function verdictLine(r: DiffReport): string {
  switch (r.verdict) {
    case 'breaking':
      return `### ❌ mtc diff: ${r.counts.breaking} breaking change${r.counts.breaking === 1 ? '' : 's'}`;
    case 'compatible':
      return `### ✅ mtc diff: no breaking changes`;
    case 'no-changes':
      return `### ✅ mtc diff: no semantic changes`;
    default:
      return `### ⛔ mtc diff: the rule trees could not be compared`;
  }
}

/** One finding: its line, then (unless `withDetail` is false) its detail collapsed (machine types, pairs per machine type, QEMU's lines). */
function findingBlock(f: Finding, withDetail = true): string {
  const lines = [`${icon(f)} **${f.rule} ${f.name}**${f.waived ? ' (waived)' : ''}: ${md(f.message)}${f.location ? ` — ${code(where(f.location))}` : ''}`, ''];
  if (f.waived) lines.push(`> waived: ${md(f.waived.reason)} (${code(`${f.waived.file}:${f.waived.line}`)})`, '');
  if (!withDetail) return lines.join('\n').replace(/\n+$/, '');
  const body: string[] = [];
  if (f.machines.length > 1) body.push(`Machine types: ${f.machines.map(md).join(', ')}`, '');
  if (f.breaks.length) body.push('Newly failing pairs:', '', ...pairsByMachine(f.breaks).map((l) => `- ${md(l)}`), '');
  if (f.fixes.length) body.push('Fixed pairs:', '', ...pairsByMachine(f.fixes).map((l) => `- ${md(l)}`), '');
  if (f.qemu.length) body.push(`QEMU on the destination${f.breaks.length > 1 ? ` (${md(f.breaks[0]!)})` : ''}:`, '', fence(f.qemu.join('\n')));
  while (body.length && body[body.length - 1] === '') body.pop();
  if (body.length) {
    const n = (x: number, w: string) => `${x} ${w}${x === 1 ? '' : 's'}`;
    const what = [f.machines.length > 1 ? `${f.machines.length} machine types` : '', f.breaks.length ? n(f.breaks.length, 'newly failing pair') : '', f.fixes.length ? n(f.fixes.length, 'fixed pair') : '', f.qemu.length ? "QEMU's lines" : '']
      .filter(Boolean)
      .join(' · ');
    lines.push(details(what, body).replace(/\n$/, ''));
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** A section that can be cut after its first n items. */
interface Section {
  readonly items: number;
  render(n: number): string;
}

function details(summary: string, body: string[]): string {
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>', ''].join('\n');
}

export function renderMarkdown(r: DiffReport, opts: MarkdownOptions = {}): string {
  const limit = opts.maxChars ?? GITHUB_COMMENT_LIMIT;
  const head: string[] = [COMMENT_MARKER, verdictLine(r), ''];
  if (r.verdict !== 'error') head.push(`**${md(countsText(r))}** · base ${code(treeLabel(r.base))} → head ${code(treeLabel(r.head))}`, '');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  const sections: Section[] = [];
  // Breaking findings come first, each cause once (its block, the detail collapsed), so no other content
  // (thousands of added machine types, diagnostics) can push them out of the comment. When even they do
  // not fit, their detail is left out before any of them is: up to B items, the first n findings' lines;
  // beyond, all B lines with the detail of the first n - B.
  const isBreaking = (f: Finding) => f.severity === 'error' && !f.waived;
  const breaking = r.findings.filter(isBreaking);
  if (breaking.length) {
    const b = breaking.length;
    const lines = breaking.map((f) => findingBlock(f, false));
    const blocks = breaking.map((f) => findingBlock(f));
    sections.push({
      items: 2 * b,
      render: (n) => {
        const shown = n <= b ? lines.slice(0, n) : [...blocks.slice(0, n - b), ...lines.slice(n - b)];
        const cut = n < b ? [`… ${b - n} more breaking change${b - n === 1 ? '' : 's'} not shown`, ''] : n < 2 * b ? [`… the detail of ${2 * b - n} breaking change${2 * b - n === 1 ? '' : 's'} not shown`, ''] : [];
        return ['**Breaking changes**', '', ...shown.flatMap((x) => [x, '']), ...cut].join('\n');
      },
    });
  }
  if (r.diagnostics.length) {
    sections.push({
      items: r.diagnostics.length,
      render: (n) =>
        ['**Diagnostics**', '', ...r.diagnostics.slice(0, n).map((d) => `- ${d.severity === 'error' ? '⛔' : '⚠️'} ${d.code} (${d.side})${d.location ? ` ${code(where(d.location))}` : ''}: ${md(d.message)}`), ''].join('\n'),
    });
  }
  if (errors.length === 0) {
    const changed = r.machines.filter((m) => m.status !== 'unchanged');
    if (changed.length) {
      const breakingOf = (name: string) => r.findings.filter((f) => f.machines.includes(name) && isBreaking(f)).length;
      sections.push({
        items: changed.length,
        render: (n) =>
          [
            '| Machine type | Released | Status | Changes | Breaking |',
            '|---|---|---|---|---|',
            ...changed.slice(0, n).map((m) => `| ${md(m.name)} | ${m.released ? 'yes' : 'no'} | ${m.status} | ${m.changes} | ${breakingOf(m.name) || ''} |`),
            '',
          ].join('\n'),
      });
    }
    // One block per finding (one per rule change), its detail collapsed: those not shown above.
    const others = r.findings.filter((f) => !isBreaking(f));
    if (others.length) {
      const blocks = others.map((f) => findingBlock(f));
      const title = breaking.length ? '**Other findings** (one per rule change)' : '**Findings** (one per rule change)';
      sections.push({
        items: blocks.length,
        render: (n) => [title, '', ...blocks.slice(0, n).flatMap((b) => [b, '']), ...(n < blocks.length ? [`… ${blocks.length - n} more findings not shown`, ''] : [])].join('\n'),
      });
    }
    // The rule changes, each with the machine types it reaches.
    if (r.causes.length) {
      const items = r.causes.map((k) => {
        const pairs = causePairs(k);
        return [`- ${md(k.summary)}${k.location ? ` — ${code(where(k.location))}` : ''}`, `  - machine types: ${md(causeMachines(k))}`, ...k.effects.map((e) => `  - ${md(e)}`), ...(pairs ? [`  - ${pairs}`] : [])].join('\n');
      });
      const summary = `Rule changes: ${r.causes.length} (${r.counts.changes} change${r.counts.changes === 1 ? '' : 's'} over ${r.counts.machinesChanged + r.counts.machinesAdded + r.counts.machinesRemoved} machine types)`;
      sections.push({ items: items.length, render: (n) => details(summary, [...items.slice(0, n), ...(n < items.length ? [`- … ${items.length - n} more not shown`] : [])]) });
    }
    if (r.matrix && r.matrix.newlyFailing.length + r.matrix.newlyPassing.length + r.matrix.newlyUnsupported.length > 0) {
      const mx = r.matrix;
      // QEMU's lines once per distinct set, numbered, under the first pair that prints them.
      const items = [
        ...groupLines(pairsWithLines(mx.newlyFailing, (p) => `- ❌ ${md(pairLine(p))}`, (q) => ['', ...fence(q.join('\n')).split('\n').map((l) => '  ' + l), ''])),
        ...mx.newlyPassing.map((p) => `- ✅ ${md(pairLine(p))}${p.causes.length ? ` (fixed by ${md(causeSummaries(r, p))})` : ''}`),
        ...mx.newlyUnsupported.map((p) => `- ⚪ ${md(pairLine(p))}${p.notes[0] ? `: ${md(p.notes[0])}` : ''}`),
      ];
      const summary = `Migration matrix: ${mx.newlyFailing.length} pair${mx.newlyFailing.length === 1 ? '' : 's'} newly fail, ${mx.newlyPassing.length} newly pass, ${mx.newlyUnsupported.length} newly unsupported (${mx.hosts.length} hosts, QEMU ${md(mx.qemu)})`;
      sections.push({ items: items.length, render: (n) => details(summary, [...items.slice(0, n), ...(n < items.length ? [`- … ${items.length - n} more not shown`] : [])]) });
    }
    if (r.generated.length) {
      const lines = r.generated.flatMap((g) => g.diff.replace(/\n$/, '').split('\n'));
      const summary = `Generated C: ${r.generated.length} file${r.generated.length === 1 ? '' : 's'} changed (${r.generated.map((g) => md(g.path)).join(', ')})`;
      sections.push({ items: lines.length, render: (n) => details(summary, [fence(lines.slice(0, n).join('\n') + (n < lines.length ? `\n… ${lines.length - n} more lines not shown` : ''), 'diff')]) });
    }
  }

  const note = (omitted: number) =>
    `\n> [!NOTE]\n> This comment was cut to stay under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')}-character limit; ${omitted} section${omitted === 1 ? ' was' : 's were'} shortened or left out. Run \`mtc diff --format text\` (or see the job log) for the full report.\n`;
  let body = head.join('\n') + '\n';
  const reserve = note(sections.length).length;
  for (let i = 0; i < sections.length; i++) {
    const full = sections[i].render(sections[i].items);
    if (body.length + full.length + 1 + reserve <= limit || (i === sections.length - 1 && body.length + full.length + 1 <= limit)) {
      body += full + '\n';
      continue;
    }
    // Largest prefix of this section that fits, then stop.
    let lo = 0;
    let hi = sections[i].items - 1;
    let best = '';
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = sections[i].render(mid);
      if (body.length + t.length + 1 + reserve <= limit) {
        best = t;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best && lo > 0) body += best + '\n';
    body += note(sections.length - i);
    break;
  }
  if (body.length > limit) body = body.slice(0, Math.max(0, limit - 1)) + '\n'; // cannot happen with sane limits; never exceed it
  return body;
}
