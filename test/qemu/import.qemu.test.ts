/**
 * Issue 15, live (`npm run test:qemu`): the rules `mtc import` writes from the
 * real 10.2.2 and 11.1.1 trees give every `virt-*` machine type exactly the
 * compat properties the real qemu-system-aarch64 built from the same tree
 * reports over QMP (`query-machines`, `compat-props: true`), entry by entry and
 * in order; and the committed fixture `npm test` compares against
 * (test/fixtures/qemu-qmp/, scripts/qmp-compat-fixture.mjs) is what the binary
 * says today.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as trees from '../../scripts/qemu-trees.mjs';
import { fixtureOf, queryMachines } from '../../scripts/qmp-compat-fixture.mjs';
import { loadBuiltinCatalog } from '../../src/catalog/index.js';
import { compile } from '../../src/compile.js';
import { generate } from '../../src/emit/build.js';
import { importTree } from '../../src/import/import.js';
import { loadBuiltinProfile } from '../../src/qemu/builtin.js';
import { makeQemuContext } from '../../src/qemu/context.js';
import { emptyQemuConfig } from '../../src/qemu/families.js';
import { inTree } from '../qemu-tree/helpers.js';
import { compatProps } from './support.js';
import { compatPropsOf, type BuildDocument } from '../../src/contract/build-document.js';

interface Prop {
  readonly 'qom-type': string;
  readonly property: string;
  readonly value: string;
}

const CASES = [
  { version: '10.2.2', family: 'virt', binary: 'qemu-system-aarch64', fixture: '10.2.2.json' },
  { version: '11.1.1', family: 'virt', binary: 'qemu-system-aarch64', fixture: '11.1.1.json' },
  { version: '10.2.2', family: 'pc-q35', binary: 'qemu-system-x86_64', fixture: '10.2.2-pc-q35.json' },
  { version: '11.1.1', family: 'pc-q35', binary: 'qemu-system-x86_64', fixture: '11.1.1-pc-q35.json' },
] as const;

for (const { version, family, binary, fixture } of CASES) {
  describe(`mtc import --family ${family} against the real ${binary} ${version}`, () => {
    it(`every ${family} machine type: the compat properties of the imported rules equal query-machines, live`, async () => {
      const bin = trees.buildBinary(version, null, (m: string) => process.stderr.write(`${m}\n`), binary);
      const live = await compatProps(bin);
      const names = [...live.keys()].filter((n) => new RegExp(`^${family}-[0-9]`).test(n)).sort();
      const r = inTree(version, (tree) => importTree(tree, { families: [family] }));
      expect(r.diagnostics).toEqual([]);
      const dir = mkdtempSync(join(tmpdir(), 'mtc-import-live-'));
      for (const [rel, text] of r.files) writeFileSync(join(dir, rel), text);
      const c = compile([dir], { root: dir, catalog: loadBuiltinCatalog() });
      expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const doc = JSON.parse(generate(c.model!, { qemu: makeQemuContext(loadBuiltinProfile(version), emptyQemuConfig) }).files.get('mtc-build.json')!) as BuildDocument;
      const mtc: Map<string, Prop[]> = compatPropsOf(doc);
      expect([...mtc.keys()].sort()).toEqual(names);
      for (const n of names) expect(mtc.get(n), n).toEqual(live.get(n));
      process.stderr.write(`QEMU ${version}: ${names.length} ${family} machine types compared live, all equal\n`);
    });

    it('the committed fixture is what the binary reports today', async () => {
      const bin = trees.buildBinary(version, null, undefined, binary);
      const now = fixtureOf(version, await queryMachines(bin), family, binary);
      const committed = JSON.parse(readFileSync(new URL(`../fixtures/qemu-qmp/${fixture}`, import.meta.url), 'utf8')) as unknown;
      expect(now).toEqual(committed);
    });
  });
}
