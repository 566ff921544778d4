/**
 * docs/breaking-rules.md, generated from the rule table (codes.ts), and the
 * JSON schemas written from their TypeScript sources. `node
 * dist/tools/gen-review-files.js` rewrites them; test/review/docs.test.ts fails
 * when a file is stale.
 */
import type { CodeInfo } from '../diagnostics/codes.js';
import { reviewCodes, ruleKind } from './codes.js';
import { reviewConfigSchema } from './config-schema.js';
import { diffReportSchema } from './diff-schema.js';

export function breakingRulesMarkdown(): string {
  const all = Object.values(reviewCodes) as CodeInfo[];
  const section = (title: string, intro: string, kind: ReturnType<typeof ruleKind>) => {
    const rows = all.filter((c) => ruleKind(c.code) === kind);
    return [
      `## ${title}`,
      '',
      intro,
      '',
      '| Id | Name | Severity | Purpose |',
      '|---|---|---|---|',
      ...rows.map((c) => `| [${c.code}](#${c.code.toLowerCase()}) | \`${c.name}\` | ${c.severity} | ${c.summary} |`),
      '',
      ...rows.flatMap((c) => [`### ${c.code}`, '', `\`${c.name}\` (${c.severity}): ${c.summary}.`, '', c.docs, '']),
    ];
  };
  return [
    '# `mtc diff` breaking-change rules',
    '',
    'Generated from `src/review/codes.ts` (`node dist/tools/gen-review-files.js`); a test fails when this file is stale.',
    'Ids and names are stable: they appear in waivers, SARIF rule ids and GitHub annotation titles.',
    '',
    '`mtc diff --base <rev>|--base-dir <dir> [--head <rev>|--head-dir <dir>]` compiles both rule trees and compares the rules in force for each',
    'machine type (inherited and own). Rules marked *error* make the diff exit 1 unless waived; *warning* and *note* never do.',
    'The rules about released machine types apply to the machine types listed in `released:` of the review configuration',
    '(`rules/mtc.yaml`, see `schema/review-config.schema.json`); the patterns of the base and the head are united, so a',
    'change cannot un-release a machine type to escape the rules.',
    '',
    '```yaml',
    '# rules/mtc.yaml',
    'version: 1',
    'released: [virt-10.1, virt-10.2, "virt-rhel9.*"]',
    'waivers:',
    '  - rule: released-machine-removed   # or MTC5004',
    '    machine: virt-9.2',
    '    reason: "virt-9.2 left its deprecation window in QEMU 11.0"',
    '  - rule: MTC5005',
    '    machine: "virt-10.*"',
    '    subject: "n1-6.15 → *"          # optional: a register, property or host pair',
    '    reason: "6.15 hosts are not deployed yet"',
    '```',
    '',
    'Waivers are read from both trees: a finding is waived only when a waiver of the head and one of the base match it, so a',
    'change cannot waive its own breaking changes. A waiver the change adds or widens is reported (MTC5055) with the findings',
    'it would waive, which stay breaking until the waiver is merged; `machine: "*"` (every machine type) is refused. A',
    'waived finding is still shown (as waived, with its reason) in every format; in SARIF it carries an accepted external',
    'suppression. A waiver that matches nothing is reported (MTC5053).',
    '',
    ...section('Breaking-change rules', 'Checked for released machine types (MTC5005 for every machine type present in both trees: an error for released ones, a warning otherwise).', 'breaking'),
    ...section('Fixes', 'Reported as notes, so a reviewer sees what a change repairs.', 'fix'),
    ...section('Problems of the diff itself', 'Configuration and input problems.', 'tool'),
  ].join('\n');
}

export function schemaText(schema: unknown): string {
  return JSON.stringify(schema, null, 2) + '\n';
}

/** Every generated file of this module: repository path → content. */
export function reviewGeneratedFiles(): Map<string, string> {
  return new Map([
    ['docs/breaking-rules.md', breakingRulesMarkdown()],
    ['schema/diff.schema.json', schemaText(diffReportSchema)],
    ['schema/review-config.schema.json', schemaText(reviewConfigSchema)],
  ]);
}
