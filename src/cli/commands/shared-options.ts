import type { Command } from 'commander';

/** Options every command that reads a rule tree takes (check, build, diff). */
export interface RuleTreeOptions {
  readonly catalog?: string[];
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
    .option('--target <target>', 'C target for files without a `target` statement: x-mig or tolerances', 'x-mig')
    .option('--max-file-size <bytes>', 'largest rule file read')
    .option('--max-tokens <n>', 'most tokens per file')
    .option('--max-files <n>', 'most rule files read, through directories and includes')
    .option('--max-chain-length <n>', 'longest machine-type inheritance chain (default 128)');
}
