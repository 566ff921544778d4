import { codeTable, type CodeInfo } from '../diagnostics/codes.js';

/**
 * `mtc diff` codes (MTC50xx): the breaking-change rules (in the style of
 * `buf breaking`), the notes for fixes, and the command's own problems.
 * Ids and names are stable: reviewers write them in waivers, and SARIF and
 * GitHub annotations carry them. docs/breaking-rules.md is generated from
 * this table (see docs.ts; a test keeps it in sync).
 */
export const reviewCodes = codeTable({
  MTC5001: {
    name: 'released-rule-removed',
    severity: 'error',
    summary: 'A rule in force for a released machine type was removed',
    docs: 'A `hide`, `tolerate`, `set` or `allow cpu` rule that applied to a released machine type (its own, or inherited from a newer one in its chain) is gone. Guests already running that machine type were started with the rule; without it the same machine type behaves differently after the update, and migration between builds or host kernels that worked before fails (for example, a register that was tolerated is now unexpected). Keep the rule, or move the change to a new machine type. Removing a rule from a newer machine type also removes it from every older one that inherits it: check the chain.',
  },
  MTC5002: {
    name: 'released-rule-weakened',
    severity: 'error',
    summary: 'A rule of a released machine type was narrowed or its value changed',
    docs: 'A tolerance of a released machine type accepts less than before (`one-end` became a value test, or the mask or expected value of a value test changed), a compat property got another value, or an allowed CPU gained a REVIDR/AIDR constraint. Each of these changes what a running guest of that machine type may migrate to. Keep the released rule as it was and put the new behaviour on a new machine type.',
  },
  MTC5003: {
    name: 'released-chain-changed',
    severity: 'error',
    summary: 'The chain (inheritance order) of a released machine type changed',
    docs: 'In QEMU an older machine type first applies the compat entries of every newer one, then its own; the chain fixes which entries a machine type gets and which wins for a scalar property (the last applied). Changing `inherits`, inserting a machine type into the middle of the chain, or renaming a newer one changes the effective rules of every released machine type below it, even when no rule was edited. New machine types go at the top of a chain.',
  },
  MTC5004: {
    name: 'released-machine-removed',
    severity: 'error',
    summary: 'A released machine type was removed',
    docs: 'Guests started with a released machine type must keep finding it on every host they migrate to. QEMU removes machine types only after a deprecation period (types older than six years are no longer registered). Remove a released machine type only on purpose, and waive this finding with the reason (for example, the deprecation window ended).',
  },
  MTC5005: {
    name: 'migration-pair-newly-fails',
    severity: 'error',
    summary: 'A (source host, destination host) pair that migrated before now fails',
    docs: 'Over the configured host profiles (`--hosts`, `hosts:` in mtc.yaml, or the built-in profiles) the simulator computed the migration matrix of both trees. A pair that passed with the base rules (migrates, with warnings, or unsafe) fails with the head rules; the report quotes the lines QEMU prints on the destination. Pairs are reported under the rule change that causes them, one finding per cause with the machine types and pairs listed within: inside the breaking finding of that change when it has one (MTC5001 for a removed rule, for instance), else as this finding. Pairs that no change of the diff explains get one such finding per machine type. It is an error when a failing pair is on a released machine type, else a warning.',
  },
  MTC5006: {
    name: 'released-kernel-requirement-raised',
    severity: 'error',
    summary: 'The minimum host kernel of a released machine type was added or raised',
    docs: 'A `requires kernel` on a released machine type makes hosts below that version unsupported for it: guests already running there can no longer be migrated or restarted on such hosts. Lowering or removing the requirement is reported as a change, not as breaking.',
  },
  MTC5007: {
    name: 'released-register-hidden',
    severity: 'warning',
    summary: 'A register is newly hidden for a released machine type',
    docs: 'A hidden register is removed from the CPU\'s register list, so the destination no longer expects it. A stream from a host running the previous build of this machine type that still sends the register is then rejected as unexpected, unless the register is also tolerated. This is how a newer kernel\'s register is usually pinned (BMAP_2 since Linux 6.15), so it is a warning: check that the previous build never sent the register, or add a matching tolerance.',
  },
  MTC5008: {
    name: 'released-target-changed',
    severity: 'error',
    summary: 'The C target of a released machine type changed',
    docs: 'The target selects the QEMU interface the rules compile to: CPU array properties (`x-mig`, x-mig-hidden-regs / x-mig-safe-missing-regs) or registered cpreg migration tolerances (`tolerances`). The two do not express the same things (there is no hiding with tolerances), so switching a released machine type changes its behaviour. Switch only together with the QEMU tree, and waive with the reason.',
  },
  MTC5009: {
    name: 'released-property-added',
    severity: 'warning',
    summary: 'A compat property was added to a released machine type',
    docs: 'A new compat property changes the guest-visible behaviour of a machine type that guests already run with. This is sometimes intended (pinning an old behaviour the machine type always had, as pc_compat_2_11 did for MSR_SMI_COUNT), so it is a warning: say why in the rule\'s `reason`.',
  },
  MTC5020: {
    name: 'migration-pair-fixed',
    severity: 'note',
    summary: 'A (source host, destination host) pair that failed before now migrates',
    docs: 'Reported for information: with the head rules the simulator finds that a pair that failed with the base rules now passes. Pairs that a rule change of the diff explains (a register that was unexpected is now tolerated or hidden) are listed in that change\'s finding (MTC5021, or its breaking finding); this note lists, per machine type, the fixed pairs no change explains.',
  },
  MTC5021: {
    name: 'rule-added',
    severity: 'note',
    summary: 'A rule was added to a machine type, and what it fixes',
    docs: 'A `hide`, `tolerate`, `set`, `allow cpu` or kernel requirement was added or relaxed. Adding a rule is not breaking by itself (the rules that break are reported separately); the note lists the machine types that inherit the rule and the migration pairs it fixes, if any. A rule added to a released machine type that is worth a warning (MTC5007, MTC5009) gets that finding instead, with the same detail: one finding per rule change.',
  },
  MTC5050: {
    name: 'bad-review-config',
    severity: 'error',
    summary: 'The review configuration (mtc.yaml) cannot be read or is not valid',
    docs: 'The configuration of `mtc diff` is the `mtc.yaml` of the rule tree (`rules/mtc.yaml`, or `mtc.yaml` at the root; `--config FILE` names another), validated against schema/review-config.schema.json: `released:` a list of machine types or `*` patterns, `waivers:` a list of `{ rule, machine, reason, subject? }`, `hosts:` host profile paths. The message points at the offending node.',
  },
  MTC5051: {
    name: 'bad-revision',
    severity: 'error',
    summary: '`--base`/`--head` is not a git revision, or `--base-dir`/`--head-dir` not a directory',
    docs: '`--base` and `--head` take a git revision of the repository in the current directory (`main`, `origin/main`, `HEAD~1`, a commit id), read with git without checking it out; `--base-dir` and `--head-dir` take a directory holding a rule tree. The two forms are never mixed up: a revision that does not resolve (a shallow clone without the base commit, a typo) is an error even when a directory of that name exists, since the tree under review could have added one (`HEAD/`, or one named like the base sha) to be compared instead of the real base. Without `--head`/`--head-dir`, the working tree is compared.',
  },
  MTC5052: {
    name: 'tree-has-errors',
    severity: 'error',
    summary: 'The base or head rule tree does not compile',
    docs: 'A semantic diff needs both trees to compile. The compiler\'s own diagnostics follow; fix them (run `mtc check` on that tree). A head tree with errors makes `mtc diff` exit 1; a base that does not compile exits 2, since nothing can be compared.',
  },
  MTC5053: {
    name: 'unused-waiver',
    severity: 'warning',
    summary: 'A waiver in mtc.yaml matches no finding',
    docs: 'The waiver\'s rule, machine type and subject match nothing that this diff reports. Remove it once the change it waived has landed, so stale waivers do not hide later findings.',
  },
  MTC5055: {
    name: 'waiver-added-by-change',
    severity: 'warning',
    summary: 'A waiver is added or widened by the change under review, so it waives nothing yet',
    docs: 'Waivers are read from both trees, and a finding is waived only when a waiver of the head config and one of the base config both match it. A pull request therefore cannot waive its own breaking changes: a waiver it adds, or widens (another machine pattern, a dropped subject), is reported here with the number of findings it would waive, and those findings stay breaking. Once a maintainer has merged the waiver into the base branch, later changes are waived by it. Narrowing or removing a waiver takes effect at once.',
  },
  MTC5056: {
    name: 'host-profile-changed',
    severity: 'warning',
    summary: 'The change redefines a host profile of the migration matrix; the base version is used',
    docs: 'The hosts of the matrix are those of the base configuration plus the ones the head adds, each read from its own tree. A change cannot drop a host or redefine one (another kernel, CPU or register list under the same name) to make its newly failing pairs disappear, so a redefined host keeps its base version until the change is merged. Give the new profile another name to see its pairs now, or run `mtc diff --hosts` with profiles of your choice.',
  },
  MTC5054: {
    name: 'released-pattern-unmatched',
    severity: 'warning',
    summary: 'A `released:` entry matches no machine type of either tree',
    docs: 'Check the spelling of the machine type (`virt-10.1`, `virt-rhel9.*`); a pattern that matches nothing protects nothing.',
  },
  MTC5058: {
    name: 'matrix-release-changed',
    severity: 'warning',
    summary: 'The change sets other QEMU releases for the migration matrix; the base\'s are used',
    docs: 'The releases of the matrix come from `simulate:` (else `qemu:`) of the base configuration, the trusted side: a change cannot move the matrix to a QEMU release where its newly failing pairs pass. The head\'s setting takes effect once it is merged; to see its matrix now, run `mtc diff --qemu RELEASE` (or `--from-qemu`/`--to-qemu`).',
  },
  MTC5057: {
    name: 'gitlab-api-error',
    severity: 'error',
    summary: '`mtc gitlab-note` could not read or write the merge request note',
    docs: 'The GitLab API refused a request or could not be reached. The message names the request and GitLab\'s answer. 401: the token (`MTC_GITLAB_TOKEN` by default, a masked CI/CD variable) is missing, wrong or expired; it must be a project or personal access token with the `api` scope, since CI_JOB_TOKEN cannot write notes. 403: the token\'s user may not comment on the merge request (give it the Reporter role). 404: CI_PROJECT_ID or CI_MERGE_REQUEST_IID is wrong, or the job does not run in a merge request pipeline.',
  },
});

export type ReviewCode = keyof typeof reviewCodes;

/** How a code is used in the report. */
export type RuleKind = 'breaking' | 'fix' | 'tool';

export function ruleKind(code: string): RuleKind {
  const n = Number(code.slice(3));
  if (n < 5020) return 'breaking';
  if (n < 5050) return 'fix';
  return 'tool';
}

export function ruleByIdOrName(key: string): CodeInfo | undefined {
  const table = reviewCodes as Readonly<Record<string, CodeInfo>>;
  return table[key] ?? Object.values(table).find((c) => c.name === key);
}
