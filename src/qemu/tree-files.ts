/**
 * Reading files of a QEMU tree given on the command line, through the one
 * bounded reader (src/util/read-file.ts): only regular files, only inside the
 * tree (symlinks are resolved and must stay inside), never more than a bound,
 * checked while reading.
 *
 * May import: src/util/read-file.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ReadError, readRegularText } from '../util/read-file.js';

/** QEMU's largest C files are about 500 KB; a tree file mtc reads is refused past this. */
export const MAX_TREE_FILE_BYTES = 8 * 1024 * 1024;

export class TreeError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

export class TreeFiles {
  readonly root: string;

  /** Throws TreeError when `dir` is not a directory. */
  constructor(
    dir: string,
    private readonly maxBytes = MAX_TREE_FILE_BYTES,
  ) {
    let real: string;
    try {
      real = fs.realpathSync.native(dir);
    } catch (e) {
      throw new TreeError(`cannot open the QEMU tree: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, dir);
    }
    if (!fs.statSync(real).isDirectory()) throw new TreeError('not a directory', dir);
    this.root = real;
  }

  private resolve(rel: string): string | undefined {
    const abs = path.join(this.root, rel);
    let real: string;
    try {
      real = fs.realpathSync.native(abs);
    } catch {
      return undefined;
    }
    const r = path.relative(this.root, real);
    if (r === '' || r === '..' || r.startsWith('..' + path.sep) || path.isAbsolute(r)) throw new TreeError('resolves outside the QEMU tree', rel);
    return real;
  }

  /** Whether `rel` is a regular file inside the tree. */
  has(rel: string): boolean {
    try {
      const real = this.resolve(rel);
      return real !== undefined && fs.statSync(real).isFile();
    } catch {
      return false;
    }
  }

  /** Reads a regular file of the tree as UTF-8, or undefined when it does not exist. Throws TreeError otherwise. */
  read(rel: string): string | undefined {
    const real = this.resolve(rel);
    if (real === undefined) return undefined;
    try {
      return readRegularText(real, { maxBytes: this.maxBytes, within: this.root, display: rel });
    } catch (e) {
      if (e instanceof ReadError) throw new TreeError(e.kind === 'too-large' ? `larger than ${this.maxBytes} bytes` : e.kind === 'not-regular' ? `not a regular file (${e.detail})` : e.kind === 'not-utf8' ? 'not valid UTF-8' : e.detail, rel);
      throw e;
    }
  }

  /** Names of the regular `.c` files directly in a directory of the tree, sorted; [] when it does not exist. */
  cFiles(relDir: string): string[] {
    const real = this.resolve(relDir);
    if (real === undefined) return [];
    let names: string[];
    try {
      names = fs.readdirSync(real);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith('.c') && this.has(`${relDir}/${n}`))
      .sort()
      .map((n) => `${relDir}/${n}`);
  }
}
