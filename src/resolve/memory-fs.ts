import * as nodePath from 'node:path';
import type { FileSystem } from './load.js';
import { ReadError } from '../util/read-file.js';

/**
 * A file system held in memory, rooted at `root`: for the benchmark, the fuzz
 * tests and `mtc diff` fixtures. Paths are absolute; no symlinks.
 */
export function memoryFileSystem(root: string, files: Readonly<Record<string, string | Uint8Array>>): FileSystem {
  const enc = new TextEncoder();
  const data = new Map<string, Uint8Array>();
  const dirs = new Set<string>([root]);
  for (const [rel, content] of Object.entries(files)) {
    const abs = nodePath.join(root, rel);
    data.set(abs, typeof content === 'string' ? enc.encode(content) : content);
    for (let d = nodePath.dirname(abs); d.startsWith(root) && !dirs.has(d); d = nodePath.dirname(d)) dirs.add(d);
  }
  return {
    realpath: (abs) => (data.has(abs) || dirs.has(abs) ? abs : undefined),
    kind: (abs) => (data.has(abs) ? 'file' : dirs.has(abs) ? 'dir' : undefined),
    readFile: (abs, maxBytes) => {
      const d = data.get(abs);
      if (!d) throw new ReadError('missing', `${abs} does not exist`, 'ENOENT');
      if (d.length > maxBytes) throw new ReadError('too-large', `${abs} is larger than the limit of ${maxBytes} bytes`, String(maxBytes));
      return d;
    },
    list: (abs) => {
      const out = new Set<string>();
      for (const p of [...data.keys(), ...dirs]) if (nodePath.dirname(p) === abs && p !== abs) out.add(nodePath.basename(p));
      return [...out];
    },
  };
}
