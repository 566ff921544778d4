#!/usr/bin/env node
// Regenerates the built-in QEMU profiles, catalog/qemu/qemu-<version>.json,
// from the real trees of ../shared/qemu/ (unpacked into the cache by
// scripts/qemu-trees.mjs). Needs a build first (`npm run build`): it runs the
// tree reader from dist/.
//   node scripts/gen-qemu-profiles.mjs [--check]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { TREES, prepareTree, treePaths, withTreeLock } from './qemu-trees.mjs';

const { readQemuTree } = await import(new URL('../dist/qemu/read-tree.js', import.meta.url).href);
const { profileJson } = await import(new URL('../dist/qemu/profile-json.js', import.meta.url).href);
const { builtinProfilePath } = await import(new URL('../dist/qemu/builtin.js', import.meta.url).href);
const root = new URL('..', import.meta.url);
const check = process.argv.includes('--check');
let stale = 0;
mkdirSync(new URL('catalog/qemu/', root), { recursive: true });
for (const t of TREES) {
  const text = withTreeLock(t.version, () => {
    prepareTree(t.version, (m) => console.error(m));
    return profileJson(readQemuTree(treePaths(t.version).tree, { source: t.orig }));
  });
  const file = new URL(builtinProfilePath(t.version), root);
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {}
  if (old === text) continue;
  stale++;
  if (check) console.error(`stale: ${builtinProfilePath(t.version)}`);
  else {
    writeFileSync(file, text);
    console.log(`wrote ${builtinProfilePath(t.version)}`);
  }
}
process.exitCode = check && stale ? 1 : 0;
