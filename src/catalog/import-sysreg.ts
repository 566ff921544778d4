import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../diagnostics/source.js';
import type { RegisterEntryData } from './catalog.js';
import { catalogYaml } from './build/generate.js';
import { encodeSysreg, idHex, type SysregFields } from './regid.js';

/**
 * Importer for Linux `arch/arm64/tools/sysreg`: `Sysreg NAME op0 op1 crn crm op2`
 * … `EndSysreg` blocks (whitespace separated, `#` comments; Field/Res0/Res1/
 * Enum/Fields/Mapping/Prefix lines inside are skipped). Produces catalog
 * entries (a catalog YAML with `importSysregCatalogYaml`) to refresh the catalog.
 */
export function importSysregFile(text: string, display = 'sysreg'): { entries: RegisterEntryData[]; diagnostics: Diagnostic[] } {
  const src = new SourceFile(display, text);
  const entries = new Map<string, RegisterEntryData>();
  const diagnostics: Diagnostic[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    const body = line.replace(/#.*$/, '').trim();
    const words = body.split(/\s+/);
    if (words[0] !== 'Sysreg') continue;
    const nums = words.slice(2, 7).map((w) => (/^\d+$/.test(w) ? +w : NaN));
    const f: SysregFields = { op0: nums[0], op1: nums[1], crn: nums[2], crm: nums[3], op2: nums[4] };
    const ok = words.length === 7 && /^\w+$/.test(words[1]) && f.op0 <= 3 && f.op1 <= 7 && f.crn <= 15 && f.crm <= 15 && f.op2 <= 7 && nums.every((n) => Number.isInteger(n));
    if (!ok) {
      const col = line.indexOf('Sysreg');
      diagnostics.push({ code: 'MTC2106', severity: 'error', file: display, span: src.span(start + col, start + line.trimEnd().length), message: `sysreg file: expected \`Sysreg NAME op0 op1 crn crm op2\`` });
      continue;
    }
    const id = idHex(encodeSysreg(f));
    if (entries.has(id)) continue; // aliases of one encoding: keep the first name
    entries.set(id, { name: words[1], id, class: 'sysreg', encoding: `ARM64_SYS_REG(${f.op0},${f.op1},${f.crn},${f.crm},${f.op2})` });
  }
  return { entries: [...entries.values()].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)), diagnostics };
}

export function importSysregCatalogYaml(text: string, display?: string): string {
  return catalogYaml(importSysregFile(text, display).entries);
}
