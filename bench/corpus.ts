/**
 * Generated rule corpora for the benchmark and the scale tests: realistic
 * files (families of ten machine types, a few rules each with reasons and
 * references, registers by catalog name, id and encoding), and the same
 * content as JSON for the `JSON.parse` reference.
 */

// Register rules a maintainer would really write (each agrees with the kernel history), used at
// most once per family so that no older machine type repeats a newer one's rule.
const REGISTER_RULES: readonly { kind: 'hide' | 'tolerate'; registers: string[]; since?: string; range?: [string, string] }[] = [
  { kind: 'hide', registers: ['KVM_REG_ARM_VENDOR_HYP_BMAP_2'], since: '6.15' },
  { kind: 'tolerate', registers: ['TCR2_EL1'], range: ['6.5', '6.12'] },
  { kind: 'tolerate', registers: ['PIRE0_EL1', 'PIR_EL1'], range: ['6.5', '6.12'] },
];
const MIDRS = ['0x413fd0c1', '0xc00fac31', '0x410fd4f0', '0x481fd010'];

/** Deterministic pseudo-random numbers (xorshift32), so every run benchmarks the same input. */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

export interface CorpusMachine {
  name: string;
  rules: {
    kind: 'hide' | 'tolerate' | 'set' | 'allow';
    registers?: string[];
    since?: string;
    range?: [string, string];
    property?: string;
    value?: string;
    midr?: string;
    reason: string;
    refs: [string, string][];
  }[];
}

/**
 * Machine types for roughly `bytes` of rule text: families of ten versions,
 * each version with a few compat properties, an allowed CPU, and now and then a
 * register rule; reasons and references on every rule. The corpus checks clean
 * (no errors, no warnings), as a maintained rule tree does.
 */
export function corpusMachines(bytes: number, seed = 1): CorpusMachine[] {
  const rand = rng(seed);
  const machines: CorpusMachine[] = [];
  let size = 0;
  let family = 0;
  while (size < bytes) {
    for (let v = 9; v >= 0 && size < bytes; v--) {
      const rules: CorpusMachine['rules'] = [];
      const refs = (i: number): [string, string][] => [['linux', (0xc0000e58c74en + BigInt(i + v)).toString(16).slice(0, 12)]];
      const reason = (i: number) => `generated rule ${i} of family ${family}: keeps the guest view stable across host kernels`;
      if (v < REGISTER_RULES.length && rand() < 0.8) rules.push({ ...REGISTER_RULES[v], reason: reason(0), refs: refs(0) });
      const n = 1 + Math.floor(rand() * 3);
      for (let i = 1; i <= n; i++)
        rules.push({ kind: 'set', property: `arm-cpu.x-compat-${family}-${v}-${i}`, value: rand() < 0.5 ? 'off' : 'on', reason: reason(i), refs: refs(i) });
      // No allow list where BMAP_2 is hidden: the guest would need the hypercalls it gates (MTC2007).
      if (!rules.some((r) => r.registers?.includes('KVM_REG_ARM_VENDOR_HYP_BMAP_2')))
        rules.push({ kind: 'allow', midr: MIDRS[Math.floor(rand() * MIDRS.length)], reason: reason(9), refs: [] });
      const m = { name: `fam${family}-${v}.0`, rules };
      machines.push(m);
      size += machineText(m).length;
    }
    family++;
  }
  return machines;
}

function machineText(m: CorpusMachine): string {
  const body = m.rules.map((r) => {
    const attrs = `{\n    reason "${r.reason}";\n${r.refs.map(([k, v]) => `    ref ${k} "${v}";\n`).join('')}  }`;
    if (r.kind === 'set') return `  set ${r.property} = ${r.value} ${attrs}\n`;
    if (r.kind === 'allow') return `  allow cpu ${r.midr} ${attrs}\n`;
    const range = r.since ? ` since ${r.since}` : r.range ? ` kernel ${r.range[0]}..${r.range[1]}` : '';
    return `  ${r.kind} ${r.registers!.join(', ')}${range} ${attrs}\n`;
  });
  return `machine ${m.name} {\n${body.join('')}}\n\n`;
}

/** The corpus as one rule file. A file's hide and tolerate sets never overlap within a family. */
export function corpusText(machines: readonly CorpusMachine[]): string {
  return `// generated benchmark corpus\ntarget x-mig;\n\n${machines.map(machineText).join('')}`;
}

/** The same content as JSON, for the JSON.parse reference. */
export function corpusJson(machines: readonly CorpusMachine[]): string {
  return JSON.stringify({ target: 'x-mig', machines }, null, 1);
}

/**
 * The corpus's mtc.yaml: its families are its own, so it names them (QEMU
 * names are never guessed; see src/qemu/families.ts).
 */
export function corpusConfig(machines: readonly CorpusMachine[]): string {
  const families = [...new Set(machines.map((m) => m.name.replace(/-[0-9.]+$/, '')))];
  return `families:\n${families.map((f) => `  ${f}: { file: hw/arm/${f}.c, symbol: ${f}, macro: DEFINE_${f.toUpperCase()}_MACHINE }\n`).join('')}`;
}
