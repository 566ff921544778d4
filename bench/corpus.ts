/**
 * Generated rule corpora for the benchmark and the scale tests: realistic
 * files (families of ten machine types, a few rules each with reasons and
 * references, registers by catalog name, id and encoding), and the same
 * content as JSON for the `JSON.parse` reference.
 */

// Hidden and tolerated registers are disjoint, so no chain both hides and tolerates one.
const HIDE = ['KVM_REG_ARM_VENDOR_HYP_BMAP_2', 'POR_EL1', 'POR_EL0', 'SCTLR2_EL1', 'MAIR_EL1', 'AMAIR_EL1', 'VBAR_EL1', 'CONTEXTIDR_EL1', 'TPIDR_EL1', 'CNTKCTL_EL1', 'CSSELR_EL1'];
const TOLERATE = ['TCR2_EL1', 'PIRE0_EL1', 'PIR_EL1', 'TPIDR_EL0', 'TPIDRRO_EL0', 'AFSR0_EL1', 'AFSR1_EL1', 'ESR_EL1', 'FAR_EL1', 'PAR_EL1', 'DISR_EL1'];

/** Deterministic pseudo-random numbers (xorshift32), so every run benchmarks the same text. */
function rng(seed: number) {
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
  rules: { kind: 'hide' | 'tolerate' | 'set'; registers?: string[]; since?: string; range?: [string, string]; property?: string; value?: string; reason: string; refs: [string, string][] }[];
}

/** Machine types for roughly `bytes` of rule text. */
export function corpusMachines(bytes: number, seed = 1): CorpusMachine[] {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const machines: CorpusMachine[] = [];
  let size = 0;
  let family = 0;
  while (size < bytes) {
    for (let v = 9; v >= 0 && size < bytes; v--) {
      const rules: CorpusMachine['rules'] = [];
      const n = 1 + Math.floor(rand() * 4);
      for (let i = 0; i < n; i++) {
        const k = rand();
        const reason = `generated rule ${i} of family ${family}: registers differ between host kernels, see the thread`;
        const refs: [string, string][] = [['linux', (0xc0000e58c74en + BigInt(i + v)).toString(16).slice(0, 12)]];
        if (k < 0.45) rules.push({ kind: 'hide', registers: [pick(HIDE)], since: `6.${10 + Math.floor(rand() * 9)}`, reason, refs });
        else if (k < 0.9)
          rules.push({ kind: 'tolerate', registers: [pick(TOLERATE), pick(TOLERATE)].filter((r, j, a) => a.indexOf(r) === j), range: ['6.5', '6.12'], reason, refs });
        else rules.push({ kind: 'set', property: `arm-cpu.x-prop-${family}-${i}`, value: 'off', reason, refs });
      }
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
