import type { ValidationRule } from '../rule.js';
import { structuralCodes } from '../codes.js';
import { rulesOf } from '../walk.js';
import { closest } from '../../util/words.js';
import { referenceLinks } from '../../resolve/resolve.js';
import type { ReferenceKind } from '../../resolve/model.js';

const ATTRIBUTES = ['reason', 'ref'];
const REF_KINDS: readonly ReferenceKind[] = ['linux', 'qemu', 'msgid', 'bug', 'url'];
const REF_HELP: Record<ReferenceKind, string> = {
  linux: 'a Linux commit is 7 to 40 hex digits: `ref linux "c0000e58c74e";`',
  qemu: 'a QEMU commit is 7 to 40 hex digits: `ref qemu "4f2b82f60431";`',
  msgid: 'a Message-ID has one `@`: `ref msgid "20251222134110.3649287-11-eric.auger@redhat.com";`',
  bug: 'write the tracker\'s id: `ref bug "RHEL-174858";`',
  url: 'write an http or https URL: `ref url "https://...";`',
};

function allStrings(values: readonly { readonly kind: string }[]): boolean {
  for (const v of values) if (v.kind !== 'StringLiteral') return false;
  return true;
}

/**
 * MTC1008 unknown attribute, MTC1009 repeated `reason`, MTC1010 missing reason
 * on `hide`/`tolerate`, MTC1011 malformed `ref`.
 */
export const ruleAttributes: ValidationRule = {
  name: 'rule-attributes',
  codes: [structuralCodes.MTC1008, structuralCodes.MTC1009, structuralCodes.MTC1010, structuralCodes.MTC1011],
  stage: 'syntax',
  check(ctx) {
    const entries = rulesOf(ctx.project);
    for (let li = 0; li < entries.length; li++) {
      const { file, rule } = entries[li];
      let reasons = 0;
      for (const a of rule.attributes) {
        const name = a.name.name;
        if (name === 'reason') {
          reasons++;
          if (reasons > 1)
            ctx.report({
              code: 'MTC1009',
              severity: 'error',
              message: 'a rule has at most one `reason`',
              file,
              span: a.span,
              label: 'second reason',
              help: 'join the texts into one reason: `reason "first part " "second part";`',
            });
          else if (a.values.length === 0 || !allStrings(a.values))
            ctx.report({
              code: 'MTC1011',
              severity: 'error',
              message: '`reason` takes one or more strings',
              file,
              span: a.span,
              label: 'expected strings',
              help: 'write `reason "why this rule exists";`',
            });
          continue;
        }
        if (name === 'ref') {
          const [kindNode, valueNode] = a.values;
          if (a.values.length !== 2 || kindNode.kind !== 'Identifier' || valueNode.kind !== 'StringLiteral') {
            ctx.report({
              code: 'MTC1011',
              severity: 'error',
              message: '`ref` takes a kind and a string',
              file,
              span: a.span,
              label: 'malformed reference',
              help: 'write `ref KIND "VALUE";` with KIND one of `linux`, `qemu`, `msgid`, `bug`, `url`',
            });
            continue;
          }
          const kind = kindNode.name as ReferenceKind;
          if (!REF_KINDS.includes(kind)) {
            const s = closest(kindNode.name, REF_KINDS);
            ctx.report({
              code: 'MTC1011',
              severity: 'error',
              message: `unknown reference kind \`${kindNode.name}\``,
              file,
              span: kindNode.span,
              label: 'not a reference kind',
              help: s ? `did you mean \`${s}\`?` : 'reference kinds are `linux`, `qemu`, `msgid`, `bug` and `url`',
              ...(s ? { fix: { message: `replace with \`${s}\``, edits: [{ file, span: kindNode.span, text: s }] } } : {}),
            });
            continue;
          }
          const bad = kind === 'bug' ? valueNode.value.trim() === '' : !referenceLinks(kind, valueNode.value);
          if (bad)
            ctx.report({
              code: 'MTC1011',
              severity: 'error',
              message: `\`${valueNode.value.slice(0, 60)}\` is not a valid ${kind} reference`,
              file,
              span: valueNode.span,
              label: 'malformed',
              help: REF_HELP[kind],
            });
          continue;
        }
        const s = closest(name, ATTRIBUTES, 2);
        ctx.report({
          code: 'MTC1008',
          severity: 'error',
          message: `unknown attribute \`${name}\``,
          file,
          span: a.name.span,
          label: 'not an attribute of a rule',
          help: s ? `did you mean \`${s}\`?` : 'rule attributes are `reason` and `ref`',
          ...(s ? { fix: { message: `replace with \`${s}\``, edits: [{ file, span: a.name.span, text: s }] } } : {}),
        });
      }
      if ((rule.kind === 'Hide' || rule.kind === 'Tolerate') && reasons === 0) {
        const kw = rule.kind === 'Hide' ? 'hide' : 'tolerate';
        ctx.report({
          code: 'MTC1010',
          severity: 'warning',
          message: `\`${kw}\` rule has no reason`,
          file,
          span: { start: rule.span.start, end: { ...rule.span.start, offset: rule.span.start.offset + kw.length, column: rule.span.start.column + kw.length } },
          label: 'no `reason`',
          help: 'say why in a block: `{ reason "..."; ref linux "..."; }`; it goes into the generated C comment and the docs',
        });
      }
    }
  },
};
