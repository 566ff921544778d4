import type { Command } from 'commander';
import { register as check } from './check.js';
import { register as diff } from './diff.js';
import { register as build } from './build.js';
import { register as fmt } from './fmt.js';
import { register as decode } from './decode.js';
import { register as explain } from './explain.js';
import { register as simulate } from './simulate.js';
import { register as qemuProfile } from './qemu-profile.js';
import { register as codes } from './codes.js';
import { register as gitlabNote } from './gitlab-note.js';
import { register as capture } from './capture.js';
import { register as importCmd } from './import.js';

export type { SetExit } from './types.js';
import type { SetExit } from './types.js';

/** Every command of the CLI, in help order. */
export function registerCommands(program: Command, setExit: SetExit): void {
  check(program, setExit);
  diff(program, setExit);
  build(program, setExit);
  fmt(program, setExit);
  decode(program, setExit);
  explain(program, setExit);
  simulate(program, setExit);
  qemuProfile(program, setExit);
  gitlabNote(program, setExit);
  codes(program, setExit);
  capture(program, setExit);
  importCmd(program, setExit);
}
