import { describe, expect, it } from 'vitest';
import { importSysregFile } from '../../src/catalog/index.js';
import { parseCatalogText } from '../../src/catalog/catalog-file.js';
import { importSysregCatalogYaml } from '../../src/catalog/import-sysreg.js';

const sample = `# comment
Sysreg\tTCR2_EL1\t3\t0\t2\t0\t3
Res0\t63:16
Field\t15\tDisPTL
EndSysreg

SysregFields\tZCR_ELx
EndSysregFields

Sysreg PIR_EL1 3 0 10 2 3
Fields PIRx_ELx
EndSysreg
Sysreg BROKEN 3 0 99 0 0
`;

describe('arch/arm64/tools/sysreg importer', () => {
  it('reads Sysreg blocks and reports bad ones with a span', () => {
    const r = importSysregFile(sample, 'sysreg');
    expect(r.entries.map((e) => [e.name, e.id])).toEqual([
      ['TCR2_EL1', '0x603000000013c103'],
      ['PIR_EL1', '0x603000000013c513'],
    ]);
    expect(r.diagnostics[0].span!.start).toMatchObject({ line: 13, column: 1 });
  });
  it('produces a valid catalog file', () => {
    const y = importSysregCatalogYaml(sample);
    expect(parseCatalogText(y, 'x.yaml').diagnostics).toEqual([]);
  });
});
