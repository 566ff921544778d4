import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let cached: string | undefined;

/**
 * The mtc package root (the folder with its package.json), found by walking up
 * from this module. Works from src/ (tests), dist/ (tsc output), dist/bundle/
 * (the bundled CLI) and dist-bench/ alike.
 */
export function packageRootDir(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'mtc') return (cached = dir);
      } catch {
        // not ours; keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the mtc package root');
    dir = up;
  }
}

export function packageRootUrl(): URL {
  return pathToFileURL(packageRootDir() + '/');
}
