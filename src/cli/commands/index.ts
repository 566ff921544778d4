/**
 * The commands of the CLI, in help order. Each lives in its own module,
 * loaded only when it runs: `mtc check` loads check.ts and what it imports,
 * not the simulator or the review stage (start-up is felt in editors and
 * pre-commit hooks). `mtc --help`, `mtc help` and an unknown command load
 * them all, so that commander can list them and suggest a name.
 */
import type { Command } from 'commander';
import type { SetExit } from './types.js';

export type { SetExit } from './types.js';

/** What a command module exports. */
export interface CommandModule {
  register(program: Command, setExit: SetExit): void;
}

/** Each command by name, with the loader of its module (a literal import each, so the bundler splits them). */
export const COMMANDS: ReadonlyArray<readonly [string, () => Promise<CommandModule>]> = [
  ['check', () => import('./check.js')],
  ['diff', () => import('./diff.js')],
  ['build', () => import('./build.js')],
  ['fmt', () => import('./fmt.js')],
  ['decode', () => import('./decode.js')],
  ['explain', () => import('./explain.js')],
  ['simulate', () => import('./simulate.js')],
  ['qemu-profile', () => import('./qemu-profile.js')],
  ['gitlab-note', () => import('./gitlab-note.js')],
  ['codes', () => import('./codes.js')],
  ['capture', () => import('./capture.js')],
  ['import', () => import('./import.js')],
];

/**
 * Registers the command that `argv` names, or every command when it names
 * none of them (help, version, a typo). The command name is the first
 * argument that is not an option: the program itself takes only --help and
 * --version.
 */
export async function registerCommands(program: Command, setExit: SetExit, argv: readonly string[]): Promise<void> {
  const name = argv.find((a) => !a.startsWith('-'));
  const one = COMMANDS.find(([n]) => n === name);
  // `mtc --version` (without --help or a command) needs no command module: loading them all would read
  // Prettier from disk for `fmt`, twice the time of a whole `mtc check`.
  if (!one && versionOnly(argv)) return;
  const chosen = one ? [one] : COMMANDS;
  const modules = await Promise.all(chosen.map(([, load]) => load()));
  for (const m of modules) m.register(program, setExit);
}

function versionOnly(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--version' || a === '-V') && !argv.some((a) => a === '--help' || a === '-h');
}
