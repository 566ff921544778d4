/**
 * Inheritance chains (src/resolve/chain.ts) reuse the chain of a parent that
 * ends at a root, and walk the parents otherwise. On random projects (explicit
 * `inherits` among ten machine types of a family, some cycles, some unknown
 * parents, the rest inferred from versions, any
 * declaration order, a small chain limit) every chain must be what walking the
 * parents one by one gives, and the problems must be the same in any order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeChains } from '../../src/resolve/chain.js';
import { loadProject } from '../../src/resolve/load.js';
import { memoryFileSystem } from '../../src/resolve/memory-fs.js';
import { defaultLimits } from '../../src/util/limits.js';

// One family (a machine type inherits only within its family); without `inherits`, the next newer version is the parent.
const NAMES = Array.from({ length: 10 }, (_, i) => `f-${i + 1}.0`);

function chainsOf(decls: readonly (readonly [string, string | undefined])[], maxChainLength: number) {
  const text = decls.map(([name, up]) => `machine ${name}${up ? ` inherits ${up}` : ''};`).join('\n');
  const project = loadProject(['a.mtc'], {
    root: '/p',
    fs: memoryFileSystem('/p', { 'a.mtc': text }),
    limits: { ...defaultLimits, maxChainLength },
  });
  return computeChains(project);
}

/** Walks the parents one by one: stops at a root, before a repeat, or at the limit. */
function walk(name: string, parents: ReadonlyMap<string, string>, limit: number): string[] {
  const list = [name];
  for (let up = parents.get(name); up !== undefined; up = parents.get(up)) {
    if (list.length >= limit || list.includes(up)) break;
    list.push(up);
  }
  return list;
}

describe('inheritance chains', () => {
  it('are the parents walked one by one, whatever the declaration order', () => {
    const decl = fc.tuple(fc.constantFrom(...NAMES), fc.option(fc.constantFrom(...NAMES, 'f-99.0'), { nil: undefined }));
    fc.assert(
      fc.property(fc.uniqueArray(decl, { selector: ([n]) => n, minLength: 1, maxLength: 10 }), fc.integer({ min: 2, max: 6 }), (decls, limit) => {
        const c = chainsOf(decls, limit);
        const parents = new Map([...c.parent].map(([n, p]) => [n, p.name]));
        for (const [name] of decls) expect(c.chain.get(name)).toEqual(walk(name, parents, limit));
        const reversed = chainsOf([...decls].reverse(), limit);
        for (const [name] of decls) expect(reversed.chain.get(name)).toEqual(c.chain.get(name));
        const problems = (x: typeof c) => x.problems.map((p) => `${p.code} ${p.message}`).sort();
        // Which machine type the length problem names, and where a cycle is said to start, depend on the
        // order; that there is one, and which machine types the cycle has, do not.
        const orderFree = (x: typeof c) =>
          problems(x)
            .map((p) => (p.startsWith('MTC1025') ? 'MTC1025' : p.startsWith('MTC1003') ? `MTC1003 ${[...new Set(p.match(/f-\d+\.0/g))].sort()}` : p))
            .sort();
        expect(orderFree(reversed)).toEqual(orderFree(c));
      }),
      { numRuns: 400 },
    );
  });

  it('a parent declared first gives its chain to the machine types that inherit it', () => {
    const c = chainsOf([['f-4.0', undefined], ['f-3.0', 'f-4.0'], ['f-2.0', 'f-3.0'], ['f-1.0', 'f-2.0']], 128);
    expect(c.chain.get('f-1.0')).toEqual(['f-1.0', 'f-2.0', 'f-3.0', 'f-4.0']);
    expect(c.problems).toEqual([]);
  });
});
