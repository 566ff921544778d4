/**
 * Catalog, kernel-history and host-profile file codes that had no test of
 * their own: MTC2102 (file unreadable / not a file / not UTF-8) and MTC2110
 * (a history or profile names a register the catalog does not know).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog, loadCatalog, loadHistory, loadProfile } from '../../src/catalog/index.js';
import { catalogCodes } from '../../src/catalog/codes.js';
import { where } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mtc-cat-codes-'));
const file = (name: string, data: string | Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const catalog = loadBuiltinCatalog();

describe('MTC2102 catalog-file-unreadable', () => {
  it('is the code of the table entry and an error', () => {
    expect(catalogCodes.MTC2102).toMatchObject({ code: 'MTC2102', name: 'catalog-file-unreadable', severity: 'error' });
  });

  it('a catalog file that does not exist', () => {
    const p = join(dir, 'missing.yaml');
    const { diagnostics } = loadCatalog({ files: [p] });
    expect(diagnostics).toHaveLength(1);
    const d = diagnostics[0]!;
    expect(d).toMatchObject({ code: 'MTC2102', severity: 'error', file: p, message: `cannot read \`${p}\`: ENOENT` });
    expect(where(d)).toBe('-');
    expect(d.help).toBeUndefined();
  });

  it('a catalog path that is a directory', () => {
    const p = join(dir, 'a-directory.yaml');
    mkdirSync(p);
    const { diagnostics } = loadCatalog({ files: [p] });
    expect(diagnostics).toEqual([{ code: 'MTC2102', severity: 'error', file: p, message: `\`${p}\` is not a regular file (a directory)` }]);
  });

  it('a kernel-history file that is not valid UTF-8', () => {
    const p = file('kernels-latin1.yaml', Buffer.from('format: 1\nreleases: ["6.1"]\n# caf\xe9\n', 'latin1'));
    const { history, diagnostics } = loadHistory(p, { catalog, extend: null });
    expect(diagnostics).toEqual([{ code: 'MTC2102', severity: 'error', file: p, message: `\`${p}\` is not valid UTF-8` }]);
    expect(history.releases).toEqual([]); // nothing of the file was used
  });

  it('a host profile that does not exist', () => {
    const p = join(dir, 'no-such-host.yaml');
    const { profile, diagnostics } = loadProfile(p, { catalog });
    expect(profile).toBeUndefined();
    expect(diagnostics).toEqual([{ code: 'MTC2102', severity: 'error', file: p, message: `cannot read \`${p}\`: ENOENT` }]);
  });
});

describe('MTC2110 catalog-unknown-register', () => {
  it('is the code of the table entry and an error', () => {
    expect(catalogCodes.MTC2110).toMatchObject({ code: 'MTC2110', name: 'catalog-unknown-register', severity: 'error' });
  });

  it('a kernel history naming a register the catalog does not have, located at the name', () => {
    const text = ['format: 1', 'releases: ["6.1"]', 'changes:', '  - register: TCR2_EL7', '    since: "6.1"', '    when: always', ''].join('\n');
    const p = file('kernels-unknown.yaml', text);
    const { diagnostics } = loadHistory(p, { catalog, extend: null });
    expect(diagnostics).toHaveLength(1);
    const d = diagnostics[0]!;
    expect(d).toMatchObject({ code: 'MTC2110', severity: 'error', file: p, message: 'unknown register `TCR2_EL7` in the kernel history' });
    expect(where(d)).toBe('4:15-4:23');
    expect(d.help).toBeUndefined();
  });

  it('without a catalog the history is not checked (the test above can fail)', () => {
    const text = 'format: 1\nreleases: ["6.1"]\nchanges:\n  - register: TCR2_EL7\n    since: "6.1"\n    when: always\n';
    const { diagnostics } = loadHistory(file('kernels-unchecked.yaml', text), { extend: null });
    expect(diagnostics).toEqual([]);
  });

  it('a host profile adding an unknown register, located at the list item', () => {
    const text = ['format: 1', 'name: odd-host', 'accel: kvm', 'kernel: "6.12"', 'add:', '  - TCR2_EL1', '  - NOPE_EL1', ''].join('\n');
    const p = file('odd-host.yaml', text);
    const { profile, diagnostics } = loadProfile(p, { catalog });
    expect(profile).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    const d = diagnostics[0]!;
    expect(d).toMatchObject({ code: 'MTC2110', severity: 'error', file: p, message: 'unknown register `NOPE_EL1` in host profile' });
    expect(where(d)).toBe('7:5-7:13');
    expect(d.help).toBeUndefined();
  });

  it('a captured `registers` list in a profile is checked too', () => {
    const text = 'format: 1\nname: cap\nregisters: ["0x603000000013c000", "MIDR_EL2X"]\n';
    const p = file('cap.yaml', text);
    const { diagnostics } = loadProfile(p, { catalog });
    expect(diagnostics.map((d) => [d.code, d.message, where(d)])).toEqual([['MTC2110', 'unknown register `MIDR_EL2X` in host profile', '3:35-3:46']]);
  });
});
