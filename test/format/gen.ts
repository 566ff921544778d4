/**
 * fast-check generator of valid rule files, written from the grammar
 * (src/syntax/parser.ts). A file is generated as a list of tokens; every gap
 * between two tokens (and before the first and after the last) gets a random
 * separator: spaces, newlines, blank lines, or a `//` comment at the end of a
 * line or on a line of its own. So comments land in every position the
 * grammar allows: before and after statements, inside register lists, between
 * clauses, inside `sysreg(...)`, between string pieces, after `{`, before `}`,
 * in empty blocks and at the end of the file.
 */
import fc from 'fast-check';

type Tokens = string[];

const keywords = new Set([
  'machine', 'inherits', 'include', 'target', 'hide', 'tolerate', 'set', 'allow', 'cpu', 'revidr', 'aidr',
  'requires', 'kernel', 'since', 'when', 'value', 'sysreg',
]);

const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);

const upperWord = fc
  .tuple(fc.constantFrom(...'ABCDEFGHKMPRSTVZ'), fc.stringMatching(/^[A-Z0-9_]{0,10}$/))
  .map(([a, b]) => a + b);
const regName = fc.oneof(
  pick('TCR2_EL1', 'PIRE0_EL1', 'PIR_EL1', 'KVM_REG_ARM_VENDOR_HYP_BMAP_2', 'DBGDTRTX', 'S3_0_C2_C0_3'),
  upperWord,
);
const lowerWord = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}(?:-[a-z0-9]{1,4})?$/).filter((w) => !keywords.has(w));
const machineName = fc
  .tuple(pick('virt', 'virt-rhel', 'pc-q35', 'pc-i440fx'), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 9 }))
  .map(([b, x, y]) => `${b}-${x}.${y}`);
const version = fc
  .tuple(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 0, max: 19 }), fc.option(fc.integer({ min: 0, max: 200 })))
  .map(([a, b, c]) => (c === null ? `${a}.${b}` : `${a}.${b}.${c}`));

/** A number written in hex (random case, maybe `_` groups, maybe short) or decimal. */
function numberText(max: bigint, decimal = true): fc.Arbitrary<string> {
  const value = fc.bigInt({ min: 0n, max });
  const hex = fc.tuple(value, fc.boolean(), fc.boolean(), fc.boolean()).map(([v, upper, groups, padded]) => {
    let digits = v.toString(16);
    if (padded) digits = digits.padStart(16, '0');
    if (upper) digits = digits.toUpperCase();
    if (groups && digits.length > 4) {
      const parts: string[] = [];
      for (let i = digits.length; i > 0; i -= 4) parts.unshift(digits.slice(Math.max(0, i - 4), i));
      digits = parts.join('_');
    }
    return (upper ? '0X' : '0x') + digits;
  });
  return decimal ? fc.oneof(hex, value.map((v) => v.toString(10))) : hex;
}
const u64 = (1n << 64n) - 1n;

const stringPiece = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.stringMatching(/^[ a-zA-Z0-9.,;:{}()\/#=&-]{0,12}$/) },
      { weight: 1, arbitrary: pick('\\"', '\\\\', '\\n', '\\t', '\\u{e9}', '// not a comment', 'é') },
    ),
    { maxLength: 5 },
  )
  .map((xs) => `"${xs.join('')}"`);
/** One or more adjacent pieces, each a token (so comments may fall between them). */
const stringLit: fc.Arbitrary<Tokens> = fc.array(stringPiece, { minLength: 1, maxLength: 4 });

const regRef: fc.Arbitrary<Tokens> = fc.oneof(
  regName.map((n) => [n]),
  fc.tuple(regName, numberText(u64)).map(([n, id]) => [n, '(', id, ')']),
  numberText(u64).map((id) => [id]),
  fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 7 }), fc.boolean())
    .map(([a, b, c, d, e, hex]) => {
      const f = (n: number) => (hex && n > 9 ? '0x' + n.toString(16) : String(n));
      return ['sysreg', '(', f(a), ',', f(b), ',', f(c), ',', f(d), ',', f(e), ')'];
    }),
);
const regList: fc.Arbitrary<Tokens> = fc
  .array(regRef, { minLength: 1, maxLength: 7 })
  .map((regs) => regs.flatMap((r, i) => (i === 0 ? r : [',', ...r])));

const kernelRange: fc.Arbitrary<Tokens> = fc.oneof(
  version.map((v) => ['since', v]),
  fc.tuple(version, version).map(([a, b]) => ['kernel', a, '..', b]),
  version.map((v) => ['kernel', v, '..']),
  version.map((v) => ['kernel', '..', v]),
  version.map((v) => ['kernel', v]),
  version.map((v) => ['kernel', v, '..', v]),
  fc.tuple(version, version).map(([a, b]) => ['kernel', `${a}..${b}`]),
);
const valueTest: fc.Arbitrary<Tokens> = fc
  .tuple(numberText(u64), numberText(u64))
  .map(([m, v]) => ['when', 'value', '&', m, '==', v]);

const attrValue: fc.Arbitrary<Tokens> = fc.oneof(lowerWord.map((w) => [w]), stringLit, numberText(u64).map((n) => [n]));
const attribute: fc.Arbitrary<Tokens> = fc.oneof(
  stringLit.map((s) => ['reason', ...s]),
  fc.tuple(pick('linux', 'qemu', 'lore', 'bz'), stringLit).map(([k, s]) => ['ref', k, ...s]),
  fc.tuple(pick('note', 'owner', 'jira', 'ticket'), fc.array(attrValue, { maxLength: 3 })).map(([n, vs]) => [n, ...vs.flat()]),
);
const tail: fc.Arbitrary<Tokens> = fc.oneof(
  { weight: 3, arbitrary: fc.constant([";"] as Tokens) },
  { weight: 2, arbitrary: fc.array(attribute, { maxLength: 4 }).map((as) => ['{', ...as.flatMap((a) => [...a, ';']), '}']) },
);

/** Clauses in a random order. */
function shuffled(parts: Tokens[]): fc.Arbitrary<Tokens> {
  if (parts.length < 2) return fc.constant(parts.flat());
  return fc.shuffledSubarray(parts, { minLength: parts.length, maxLength: parts.length }).map((ps) => ps.flat());
}

const hide: fc.Arbitrary<Tokens> = fc
  .tuple(regList, fc.option(kernelRange), tail)
  .map(([regs, r, t]) => ['hide', ...regs, ...(r ?? []), ...t]);
const tolerate: fc.Arbitrary<Tokens> = fc
  .tuple(regList, fc.option(kernelRange), fc.option(valueTest), tail)
  .chain(([regs, r, v, t]) =>
    shuffled([r, v].filter((x): x is Tokens => x !== null)).map((cl) => ['tolerate', ...regs, ...cl, ...t]),
  );
const setRule: fc.Arbitrary<Tokens> = fc
  .tuple(
    fc.tuple(pick('arm-cpu', 'virt-machine', 'pcie-root-port'), pick('pauth', 'kvm-steal-time', 'x-migrate-smi-count', 'lpa2')),
    fc.oneof(lowerWord.map((w) => [w]), stringLit, numberText(u64).map((n) => [n])),
    fc.option(kernelRange),
    tail,
  )
  .map(([[d, p], v, r, t]) => ['set', `${d}.${p}`, '=', ...v, ...(r ?? []), ...t]);
const allow: fc.Arbitrary<Tokens> = fc
  .tuple(numberText(0xffffffffn), fc.option(numberText(u64)), fc.option(numberText(u64)), fc.option(kernelRange), tail)
  .chain(([midr, rev, aidr, r, t]) =>
    shuffled(
      [rev === null ? null : ['revidr', rev], aidr === null ? null : ['aidr', aidr], r].filter((x): x is Tokens => x !== null),
    ).map((cl) => ['allow', 'cpu', midr, ...cl, ...t]),
  );
const requires: fc.Arbitrary<Tokens> = fc.tuple(version, tail).map(([v, t]) => ['requires', 'kernel', v, ...t]);
const rule = fc.oneof(hide, tolerate, setRule, allow, requires);

const machine: fc.Arbitrary<Tokens> = fc
  .tuple(machineName, fc.option(machineName), fc.option(fc.array(rule, { maxLength: 6 })))
  .map(([n, parent, body]) => [
    'machine',
    n,
    ...(parent === null ? [] : ['inherits', parent]),
    ...(body === null ? [';'] : ['{', ...body.flat(), '}']),
  ]);
const topStatement = fc.oneof(
  { weight: 1, arbitrary: pick('x-mig', 'tolerances').map((t) => ['target', t, ';']) },
  { weight: 1, arbitrary: stringLit.map((s) => ['include', ...s, ';']) },
  { weight: 4, arbitrary: machine },
);

const commentText = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[ a-zA-Z0-9.,;:{}()"\/#=&*-]{0,24}$/) },
  { weight: 1, arbitrary: pick(' prettier-ignore', ' mtc-fmt: ignore', '', '   trailing blanks   ', '// nested', ' {', ' }') },
);
/** What goes between two tokens. Every choice holds at least one blank or line break. */
const separator: fc.Arbitrary<string> = fc.oneof(
  { weight: 30, arbitrary: pick(' ', ' ', ' ', '\n', '\n  ', '  ', '\t') },
  { weight: 3, arbitrary: pick('\n\n', '\n\n\n  ', ' \n \n') },
  { weight: 2, arbitrary: commentText.map((t) => ` //${t}\n`) },
  { weight: 2, arbitrary: commentText.map((t) => `\n  //${t}\n`) },
  { weight: 1, arbitrary: fc.tuple(commentText, commentText).map(([a, b]) => `\n\n//${a}\n//${b}\n\n`) },
);

/** A whole rule file: top statements with separators (and so comments) everywhere. */
export const ruleFile: fc.Arbitrary<string> = fc
  .array(topStatement, { maxLength: 5 })
  .map((st) => st.flat())
  .chain((tokens) =>
    fc
      .array(separator, { minLength: tokens.length + 1, maxLength: tokens.length + 1 })
      .map((seps) => seps[0] + tokens.map((t, i) => t + seps[i + 1]).join('')),
  );
