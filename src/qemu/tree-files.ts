/**
 * Reading files of a QEMU tree given on the command line: only regular files,
 * only inside the tree (symlinks are resolved and must stay inside), and never
 * more than a bound, checked while reading (a FIFO or a device reports size 0
 * to `stat`, and `/dev/zero` never ends).
 *
 * May import: nothing outside this folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

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
    let fd: number;
    try {
      fd = fs.openSync(real, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0));
    } catch (e) {
      throw new TreeError(`cannot open: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, rel);
    }
    try {
      if (!fs.fstatSync(fd).isFile()) throw new TreeError('not a regular file', rel);
      const chunks: Buffer[] = [];
      let total = 0;
      const buf = Buffer.allocUnsafe(64 * 1024);
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        total += n;
        if (total > this.maxBytes) throw new TreeError(`larger than ${this.maxBytes} bytes`, rel);
        chunks.push(Buffer.from(buf.subarray(0, n)));
      }
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
      } catch {
        throw new TreeError('not valid UTF-8', rel);
      }
    } finally {
      fs.closeSync(fd);
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
