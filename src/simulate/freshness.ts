/**
 * Whether a build document still matches its rule files: it records the
 * sha256 of every source (`sources`, paths relative to the project root it
 * was built in). The root is found from where the document is (`out/..`),
 * then the current directory, then the directories above the document.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import * as nodePath from 'node:path';

export interface Freshness {
  /** The project root the sources were found in; null when none of them could be found. */
  readonly root: string | null;
  /** Sources whose content differs from what was built. */
  readonly changed: readonly string[];
  /** Sources that are gone. */
  readonly missing: readonly string[];
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function sourcesOf(file: string): { path: string; sha256: string }[] {
  try {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { sources?: unknown };
    if (!Array.isArray(doc.sources)) return [];
    return doc.sources.filter(
      (s): s is { path: string; sha256: string } => typeof s === 'object' && s !== null && typeof (s as { path: unknown }).path === 'string' && typeof (s as { sha256: unknown }).sha256 === 'string',
    );
  } catch {
    return [];
  }
}

export function buildFreshness(file: string, cwd = process.cwd()): Freshness {
  const sources = sourcesOf(file).filter((s) => !nodePath.isAbsolute(s.path) && !s.path.split('/').includes('..'));
  const none: Freshness = { root: null, changed: [], missing: [] };
  if (sources.length === 0) return none;
  const at = nodePath.dirname(nodePath.resolve(cwd, file));
  const candidates = [nodePath.dirname(at), cwd];
  for (let d = at; ; d = nodePath.dirname(d)) {
    candidates.push(d);
    if (nodePath.dirname(d) === d) break;
  }
  const root = candidates.find((c) => sources.some((s) => isFile(nodePath.join(c, s.path))));
  if (root === undefined) return none;
  const changed: string[] = [];
  const missing: string[] = [];
  for (const s of sources) {
    const p = nodePath.join(root, s.path);
    let bytes: Buffer;
    try {
      bytes = readFileSync(p);
    } catch {
      missing.push(s.path);
      continue;
    }
    if (createHash('sha256').update(bytes).digest('hex') !== s.sha256) changed.push(s.path);
  }
  return { root, changed, missing };
}
