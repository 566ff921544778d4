import { mkdtempSync, writeFileSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCatalogText } from '../../src/catalog/catalog-file.js';
import { loadCatalog } from '../../src/catalog/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mtc-cat-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('catalog files', () => {
  it('extend and override the built-in catalog', () => {
    const p = file('ok.yaml', 'format: 1\nregisters:\n  - name: MY_IMPDEF_EL1\n    id: "0x603000000013ff80"\n    class: sysreg\n  - name: TCR2_EL1\n    id: "0x603000000013c103"\n    class: sysreg\n    description: overridden\n');
    const { catalog, diagnostics } = loadCatalog({ files: [p] });
    expect(diagnostics).toEqual([]);
    expect(catalog.lookupName('my_impdef_el1')?.id).toBe(0x603000000013ff80n);
    expect(catalog.lookupName('TCR2_EL1')?.description).toBe('overridden');
    expect(catalog.lookupId(0x603000000013ff80n)?.source).toBe(p);
  });
  it('a corrupted catalog gives a located schema error', () => {
    const r = parseCatalogText('format: 1\nregisters:\n  - name: X_EL1\n    id: 12\n    class: sysreg\n  - name: Y_EL1\n    id: "0x603000000013c000"\n    klass: sysreg\n', 'bad.yaml');
    expect(r.diagnostics[0]).toMatchObject({ code: 'MTC2106', file: 'bad.yaml' });
    expect(r.diagnostics[0].span!.start).toMatchObject({ line: 4, column: 9 });
    expect(r.diagnostics[0].span!.end).toMatchObject({ line: 4, column: 11 });
  });
  it('an unknown key is located at the key', () => {
    const r = parseCatalogText('format: 1\nregisters:\n  - name: Y_EL1\n    id: "0x603000000013c000"\n    class: sysreg\n    klass: x\n', 'bad.yaml');
    expect(r.diagnostics[0].message).toContain('unknown key `klass`');
    expect(r.diagnostics[0].span!.start).toMatchObject({ line: 6, column: 5 });
  });
  it('YAML syntax errors are located', () => {
    const r = parseCatalogText('format: 1\nregisters: []\nformat: 2\n', 'bad.yaml');
    expect(r.diagnostics[0].code).toBe('MTC2103');
    expect(r.diagnostics[0].span!.start).toMatchObject({ line: 3, column: 1 });
    const u = parseCatalogText('format: 1\nregisters:\n  - name: "unclosed\n', 'bad.yaml');
    expect(u.diagnostics[0].code).toBe('MTC2103');
    expect(u.diagnostics[0].span!.start.line).toBeGreaterThanOrEqual(3);
  });
  it('refuses an alias bomb quickly', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 30; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const r = parseCatalogText(text, 'bomb.yaml');
    expect(r.diagnostics[0].code).toBe('MTC2105');
    expect(r.diagnostics[0].span).toBeDefined();
  });
  it('refuses a 100 MB file, reading no more than the limit', () => {
    const p = join(dir, 'huge.yaml');
    const fd = openSync(p, 'w');
    ftruncateSync(fd, 100 * 1024 * 1024);
    closeSync(fd);
    const { diagnostics } = loadCatalog({ files: [p] });
    expect(diagnostics[0]).toMatchObject({ code: 'MTC2101' });
    expect(diagnostics[0].message).toContain(`larger than the limit of ${16 * 1024 * 1024} bytes`);
  });
  it('refuses duplicate ids and names with a location', () => {
    const r = parseCatalogText('format: 1\nregisters:\n  - { name: A_EL1, id: "0x603000000013ff80", class: sysreg }\n  - { name: B_EL1, id: "0x603000000013ff80", class: sysreg }\n', 'dup.yaml');
    expect(r.diagnostics[0]).toMatchObject({ code: 'MTC2107' });
    expect(r.diagnostics[0].span!.start).toMatchObject({ line: 4, column: 24 });
    const n = parseCatalogText('format: 1\nregisters:\n  - { name: A_EL1, id: "0x603000000013ff80", class: sysreg }\n  - { name: a_el1, id: "0x603000000013ff81", class: sysreg }\n', 'dup.yaml');
    expect(n.diagnostics[0]).toMatchObject({ code: 'MTC2108' });
    expect(n.diagnostics[0].span!.start.line).toBe(4);
  });
  it('refuses __proto__ keys', () => {
    const r = parseCatalogText('format: 1\n__proto__: { polluted: true }\nregisters: []\n', 'proto.yaml');
    expect(r.diagnostics[0]).toMatchObject({ code: 'MTC2104' });
    expect(r.diagnostics[0].span!.start).toMatchObject({ line: 2, column: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('refuses an id of the wrong class', () => {
    const r = parseCatalogText('format: 1\nregisters:\n  - { name: A, id: "0x603000000013c103", class: fw }\n', 'cls.yaml');
    expect(r.diagnostics[0]).toMatchObject({ code: 'MTC2109' });
    expect(r.diagnostics[0].message).toContain('sysreg id');
  });
  it('a file with errors contributes nothing', () => {
    const p = file('half.yaml', 'format: 1\nregisters:\n  - { name: NEW_EL1, id: "0x603000000013ff80", class: sysreg }\n  - { name: BAD, id: "0x1", class: sysreg }\n');
    const { catalog, diagnostics } = loadCatalog({ files: [p] });
    expect(diagnostics.length).toBe(1);
    expect(catalog.lookupName('NEW_EL1')).toBeUndefined();
  });
});
