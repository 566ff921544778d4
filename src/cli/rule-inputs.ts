import * as nodePath from 'node:path';
import { nodeFileSystem, type FileSystem } from '../resolve/load.js';
import { findProjectRoot, stdinFileSystem } from '../resolve/project-root.js';
import type { Limits } from '../util/limits.js';
import { UsageError } from './report.js';
import { readStdin, StdinTooLarge } from './stdin.js';

export interface RuleInputs {
  /** Absolute paths of the files and directories to read. */
  readonly paths: string[];
  /** Project root: `--root`, else found from the paths (findProjectRoot). */
  readonly root: string;
  readonly fs: FileSystem;
}

/**
 * What `check` and `build` read: the paths given (default `rules/`), relative
 * to the current directory; `-` is standard input, named `--stdin-filename`
 * (default `<stdin>`, in the current directory) in diagnostics and for its
 * includes.
 */
export async function ruleInputs(
  given: readonly string[],
  opts: { root?: string; stdinFilename?: string; allowStdin?: boolean },
  limits: Limits,
  cwd = process.cwd(),
): Promise<RuleInputs> {
  const list = given.length > 0 ? [...given] : ['rules'];
  let fs: FileSystem = nodeFileSystem;
  if (opts.stdinFilename !== undefined && !list.includes('-')) throw new UsageError('--stdin-filename names the text read from standard input; pass `-` as the path too');
  if (list.includes('-')) {
    if (!opts.allowStdin) throw new UsageError('`-` (standard input) is not accepted by this command');
    if (list.filter((p) => p === '-').length > 1) throw new UsageError('`-` (standard input) can be given once');
    let bytes: Uint8Array;
    try {
      bytes = await readStdin(limits.maxFileBytes);
    } catch (e) {
      if (e instanceof StdinTooLarge) throw new UsageError(`standard input is larger than ${e.max} bytes (--max-file-size)`);
      throw e;
    }
    const stdin = stdinFileSystem(nodeFileSystem, nodePath.resolve(cwd, opts.stdinFilename ?? '<stdin>'), bytes);
    fs = stdin.fs;
    list[list.indexOf('-')] = stdin.path;
  }
  const paths = list.map((p) => nodePath.resolve(cwd, p));
  const root = opts.root !== undefined ? nodePath.resolve(cwd, opts.root) : findProjectRoot(paths, cwd);
  return { paths, root, fs };
}
