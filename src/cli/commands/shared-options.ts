import type { Command } from 'commander';

/** Options every command that reads a rule tree takes (check, build, diff). */
export interface RuleTreeOptions {
  readonly catalog?: string[];
  readonly history?: string;
  readonly target?: string;
  readonly maxFileSize?: string;
  readonly maxTokens?: string;
  readonly maxFiles?: string;
  readonly maxChainLength?: string;
}

/** Declares the rule-tree options once, with one wording, for every command that reads rules. */
export function ruleTreeOptions(cmd: Command): Command {
  return cmd
    .option('--catalog <file...>', 'extra register catalog files that extend or override the built-in one')
    .option('--history <file>', 'a kernel-history file that extends the built-in one (catalog/kernels.yaml), for the checks and the host profiles')
    .option('--target <target>', 'C target for files without a `target` statement: x-mig or tolerances', 'x-mig')
    .option('--max-file-size <bytes>', 'largest rule file read')
    .option('--max-tokens <n>', 'most tokens per file')
    .option('--max-files <n>', 'most rule files read, through directories and includes')
    .option('--max-chain-length <n>', 'longest machine-type inheritance chain (default 128)');
}

/** Options of the commands that check or build against a QEMU (check, build, diff). */
export interface QemuOptions {
  readonly qemu?: string;
  readonly qemuTree?: string;
}

/** Declares `--qemu` and `--qemu-tree` once, with one wording. */
export function qemuOptions(cmd: Command): Command {
  return cmd
    .option('--qemu <version>', 'check against a built-in QEMU profile: 10.0, 10.2 or 11.1 (default: `qemu:` in mtc.yaml, else none)')
    .option('--qemu-tree <dir>', 'check against the QEMU source tree DIR, read now (build: also write qemu/mtc.patch for it)');
}
