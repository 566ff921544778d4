/**
 * Builds the shipped register catalog (catalog/registers.yaml and its
 * pre-compiled form catalog/builtin.json) from the two data files in
 * catalog/data/ plus the classes those files do not list (demux, SVE,
 * AArch32 TCG indexes). Run by scripts/gen-catalog.mjs; a test fails when the
 * committed output is stale.
 */
import { stringify } from 'yaml';
import type { RegisterEntryData } from '../catalog.js';
import { decodeId, encodeId, encodeSysreg, genericSysregName, idHex, type SysregFields } from '../regid.js';

interface Row {
  [k: string]: string;
}

export function parseTsv(text: string): Row[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const head = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    const r: Row = {};
    head.forEach((h, i) => (r[h] = cells[i] ?? ''));
    return r;
  });
}

const DESCRIPTIONS: Record<string, string> = {
  MIDR_EL1: 'Main ID register: implementer, part number, revision',
  REVIDR_EL1: 'Revision ID register (implementation-defined)',
  AIDR_EL1: 'Auxiliary ID register (implementation-defined)',
  MPIDR_EL1: 'Multiprocessor affinity register',
  SCTLR_EL1: 'System control register (EL1)',
  SCTLR2_EL1: 'System control register 2 (EL1)',
  ACTLR_EL1: 'Auxiliary control register (EL1)',
  CPACR_EL1: 'Architectural feature access control register',
  TTBR0_EL1: 'Translation table base register 0 (EL1)',
  TTBR1_EL1: 'Translation table base register 1 (EL1)',
  TCR_EL1: 'Translation control register (EL1)',
  TCR2_EL1: 'Extended translation control register (EL1)',
  PIRE0_EL1: 'Permission indirection register, EL0 (stage 1 of EL1&0)',
  PIR_EL1: 'Permission indirection register (EL1)',
  POR_EL0: 'Permission overlay register (EL0)',
  POR_EL1: 'Permission overlay register (EL1)',
  MAIR_EL1: 'Memory attribute indirection register (EL1)',
  AMAIR_EL1: 'Auxiliary memory attribute indirection register (EL1)',
  VBAR_EL1: 'Vector base address register (EL1)',
  ESR_EL1: 'Exception syndrome register (EL1)',
  FAR_EL1: 'Fault address register (EL1)',
  AFSR0_EL1: 'Auxiliary fault status register 0 (EL1)',
  AFSR1_EL1: 'Auxiliary fault status register 1 (EL1)',
  PAR_EL1: 'Physical address register',
  CONTEXTIDR_EL1: 'Context ID register (EL1)',
  TPIDR_EL0: 'Software thread ID register (EL0)',
  TPIDRRO_EL0: 'Read-only software thread ID register (EL0)',
  TPIDR_EL1: 'Software thread ID register (EL1)',
  CNTKCTL_EL1: 'Counter-timer kernel control register',
  CSSELR_EL1: 'Cache size selection register',
  CLIDR_EL1: 'Cache level ID register',
  CTR_EL0: 'Cache type register',
  DCZID_EL0: 'Data cache zero ID register',
  MDSCR_EL1: 'Monitor debug system control register',
  MDCCINT_EL1: 'Debug comms channel interrupt enable register',
  OSLSR_EL1: 'OS lock status register',
  DBGVCR32_EL2: 'Debug vector catch register (AArch32 state)',
  DACR32_EL2: 'Domain access control register (AArch32 state)',
  IFSR32_EL2: 'Instruction fault status register (AArch32 state)',
  FPEXC32_EL2: 'Floating-point exception control register (AArch32 state)',
  FPMR: 'Floating-point mode register (FP8)',
  SP_EL0: 'Stack pointer (EL0)',
  CNTV_CTL_EL0: 'Virtual timer control register (KVM_REG_ARM_TIMER_CTL)',
  CNTPCT_EL0: 'Physical counter (KVM_REG_ARM_PTIMER_CNT)',
  CNTP_CTL_EL0: 'Physical timer control register (KVM_REG_ARM_PTIMER_CTL)',
  CNTP_CVAL_EL0: 'Physical timer compare value (KVM_REG_ARM_PTIMER_CVAL)',
  KVM_REG_ARM_TIMER_CVAL:
    'Virtual timer compare value (CNTV_CVAL_EL0); KVM uses the encoding of CNTVCT_EL0 for it (ids swapped on purpose, an API quirk)',
  KVM_REG_ARM_TIMER_CNT:
    'Virtual counter (CNTVCT_EL0); KVM uses the encoding of CNTV_CVAL_EL0 for it (ids swapped on purpose, an API quirk)',
  KVM_REG_ARM_PSCI_VERSION: 'PSCI version the guest sees (firmware pseudo-register)',
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1: 'Spectre-v2 mitigation state (firmware pseudo-register)',
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2: 'Spectre-v4 (SSBD) mitigation state (firmware pseudo-register)',
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3: 'Spectre-BHB mitigation state (firmware pseudo-register)',
  KVM_REG_ARM_STD_BMAP: 'Bitmap of standard SMCCC services offered to the guest (TRNG)',
  KVM_REG_ARM_STD_HYP_BMAP: 'Bitmap of standard hypervisor services offered to the guest (PV time)',
  KVM_REG_ARM_VENDOR_HYP_BMAP: 'Bitmap of KVM vendor hypervisor services (function id query, PTP)',
  KVM_REG_ARM_VENDOR_HYP_BMAP_2:
    'Second bitmap of KVM vendor hypervisor services; bits 0-1: target implementation CPUs hypercalls',
};

function describeSysreg(name: string, f: SysregFields): string {
  const d = DESCRIPTIONS[name];
  if (d) return d;
  let m: RegExpExecArray | null;
  if ((m = /^DBG([BW])([VC])R(\d+)_EL1$/.exec(name)))
    return `Debug ${m[1] === 'B' ? 'breakpoint' : 'watchpoint'} ${m[2] === 'V' ? 'value' : 'control'} register ${m[3]}`;
  if ((m = /^PMEVCNTR(\d+)_EL0$/.exec(name))) return `PMU event counter ${m[1]}`;
  if ((m = /^PMEVTYPER(\d+)_EL0$/.exec(name))) return `PMU event type register ${m[1]}`;
  if (/^ID_AA64/.test(name)) return 'AArch64 feature ID register';
  if (/^(ID_|MVFR)/.test(name)) return 'AArch32 feature ID register (visible to AArch64)';
  if (name.startsWith('S3_0_C0_')) return 'Unallocated ID register (reads as zero, listed by KVM)';
  if (/^PM/.test(name) && !/^PM(S|B)/.test(name)) return 'Performance monitors (PMUv3) register';
  if (/^PM(S|B)/.test(name)) return 'Statistical profiling extension register';
  if (/^ICC_/.test(name)) return 'GIC CPU interface register';
  if (/^ICH_/.test(name)) return 'GIC virtualization control register';
  if (/^MPAM/.test(name)) return 'Memory partitioning and monitoring register';
  if (/^BRB/.test(name)) return 'Branch record buffer register';
  if (/^SPM/.test(name)) return 'System performance monitor register';
  if (/^TRB/.test(name)) return 'Trace buffer register';
  if (/^TRC/.test(name)) return 'Trace unit register';
  if (/^GCS/.test(name)) return 'Guarded control stack register';
  if (/^(SMCR|SMPRI|SMIDR|SVCR|TPIDR2)/.test(name)) return 'Scalable matrix extension register';
  if (/^ZCR/.test(name)) return 'SVE control register';
  if (/^LOR/.test(name)) return 'Limited ordering regions register';
  if (/^H(D|A)?FG/.test(name)) return 'Fine-grained trap register (EL2)';
  if (/MASK_EL|ALIAS_EL/.test(name)) return 'Masked/alias access register (FEAT_SRMASK)';
  if (/_EL12$/.test(name)) return 'EL1 register accessed from EL2 with E2H (EL12 alias)';
  if (/_EL2$/.test(name)) return 'EL2 register (nested virtualization only)';
  if (/^OS/.test(name) || /^MD/.test(name)) return 'Debug/OS lock register';
  return `System register ${genericSysregName(f)}`;
}

function featureFor(name: string): string | undefined {
  const rules: [RegExp, string][] = [
    [/^TCR2(MASK|ALIAS)?_EL/, 'FEAT_TCR2'],
    [/^SCTLR2(MASK|ALIAS)?_EL/, 'FEAT_SCTLR2'],
    [/^(PIRE0|PIR)_EL/, 'FEAT_S1PIE'],
    [/^S2PIR_EL2/, 'FEAT_S2PIE'],
    [/^POR_EL/, 'FEAT_S1POE'],
    [/^S2POR_EL1/, 'FEAT_S2POE'],
    [/^FPMR$/, 'FEAT_FPMR'],
    [/^(MAIR2|AMAIR2)_EL/, 'FEAT_AIE'],
    [/^GCS/, 'FEAT_GCS'],
    [/^(SMCR|SMPRI|SMIDR|SVCR|TPIDR2)/, 'FEAT_SME'],
    [/^ZCR_/, 'FEAT_SVE'],
    [/^BRB/, 'FEAT_BRBE'],
    [/^SPM/, 'FEAT_SPMU'],
    [/^TRB/, 'FEAT_TRBE'],
    [/^TRC/, 'FEAT_TRF'],
    [/^TRFCR/, 'FEAT_TRF'],
    [/^PM(S|B)/, 'FEAT_SPE'],
    [/^MPAM/, 'FEAT_MPAM'],
    [/^LOR/, 'FEAT_LOR'],
    [/^(HFG|HDFG|HAFG)/, 'FEAT_FGT'],
    [/^HCRX_EL2/, 'FEAT_HCX'],
    [/^(PMICNTR|PMICFILTR|PMICNTSVR)/, 'FEAT_PMUv3_ICNTR'],
    [/^PMZR_EL0/, 'FEAT_PMUv3p9'],
    [/^PMCCNTSVR/, 'FEAT_PMUv3_SS'],
    [/^(PMUACR|PMECR|PMIAR)/, 'FEAT_PMUv3p9'],
    [/^PM/, 'FEAT_PMUv3'],
    [/^ICC_(PPI|IDR0|ICSR|CR0|PCR|NMIAR)/, 'FEAT_GCIE'],
    [/^ICH_HFG/, 'FEAT_GCIE'],
    [/MASK_EL|ALIAS_EL/, 'FEAT_SRMASK'],
    [/^SCXTNUM/, 'FEAT_CSV2_2'],
    [/^GMID_EL1/, 'FEAT_MTE2'],
    [/^ALLINT$/, 'FEAT_NMI'],
    [/^PFAR_EL/, 'FEAT_PFAR'],
    [/^(RCWSMASK|RCWMASK)/, 'FEAT_THE'],
    [/^VNCR_EL2/, 'FEAT_NV2'],
    [/^CNTPOFF_EL2/, 'FEAT_ECV'],
    [/^CCSIDR2_EL1/, 'FEAT_CCIDX'],
    [/^ERXGSR_EL1/, 'FEAT_RASv2'],
    [/^MDSTEPOP_EL1/, 'FEAT_STEP2'],
    [/^MDSELR_EL1/, 'FEAT_Debugv8p9'],
    [/^TRCITECR/, 'FEAT_ITE'],
  ];
  for (const [re, f] of rules) if (re.test(name)) return f;
  return undefined;
}

const CORE_NAMES: Record<string, [string, string]> = {
  'regs.sp': ['CORE_SP', 'Stack pointer SP_EL0 (core register)'],
  'regs.pc': ['CORE_PC', 'Program counter (core register)'],
  'regs.pstate': ['CORE_PSTATE', 'Processor state (core register)'],
  sp_el1: ['CORE_SP_EL1', 'Stack pointer SP_EL1 (core register)'],
  elr_el1: ['CORE_ELR_EL1', 'Exception link register ELR_EL1 (core register)'],
  'fp_regs.fpsr': ['CORE_FPSR', 'Floating-point status register (core register, U32)'],
  'fp_regs.fpcr': ['CORE_FPCR', 'Floating-point control register (core register, U32)'],
};

function coreName(kname: string): [string, string] {
  const fixed = CORE_NAMES[kname];
  if (fixed) return fixed;
  let m: RegExpExecArray | null;
  if ((m = /^regs\.regs\[(\d+)\]$/.exec(kname))) return [`CORE_X${m[1]}`, `General-purpose register X${m[1]} (core register)`];
  if ((m = /^spsr\[(\d+)\]$/.exec(kname)))
    return [`CORE_SPSR_${m[1]}`, `Saved program status register bank ${m[1]} (${['EL1', 'ABT', 'UND', 'IRQ', 'FIQ'][+m[1]] ?? '?'}) (core register)`];
  if ((m = /^fp_regs\.vregs\[(\d+)\]$/.exec(kname))) return [`CORE_V${m[1]}`, `FP/SIMD register V${m[1]} (core register, U128; not listed for SVE vcpus)`];
  throw new Error(`unknown core register ${kname}`);
}

function sortEntries(entries: RegisterEntryData[]): RegisterEntryData[] {
  return entries.sort((a, b) => {
    const x = BigInt(a.id);
    const y = BigInt(b.id);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function sysEncoding(f: SysregFields): string {
  return `ARM64_SYS_REG(${f.op0},${f.op1},${f.crn},${f.crm},${f.op2})`;
}

/** The catalog entries, sorted by id. Throws on inconsistent input data. */
export function buildCatalogEntries(sysregTsv: string, baseTsv: string): RegisterEntryData[] {
  const byId = new Map<string, RegisterEntryData>();
  const put = (e: RegisterEntryData): void => {
    const prev = byId.get(e.id);
    if (prev) {
      const aliases = new Set([...(prev.aliases ?? []), ...(e.aliases ?? [])]);
      if (e.name !== prev.name) aliases.add(e.name);
      aliases.delete(prev.name);
      prev.aliases = [...aliases].sort();
      if (prev.aliases.length === 0) delete prev.aliases;
      prev.feature ??= e.feature;
      return;
    }
    if (e.aliases && e.aliases.length === 0) delete e.aliases;
    if (e.aliases) e.aliases.sort();
    if (e.feature === undefined) delete e.feature;
    byId.set(e.id, e);
  };

  for (const r of parseTsv(baseTsv)) {
    const id = BigInt(r.kvm_id_hex);
    const hex = idHex(id);
    const note = r.presence_note;
    if (r.kind === 'core') {
      const [name, description] = coreName(r.name);
      put({ name, id: hex, class: 'core', aliases: [r.name], encoding: r.encoding, description });
      continue;
    }
    if (r.kind === 'fw' || r.kind === 'fw_feat_bmap') {
      const cls = r.kind === 'fw' ? 'fw' : 'fw-bmap';
      const short = r.name.replace(/^KVM_REG_ARM_/, '');
      const aliases = [short];
      if (short === 'VENDOR_HYP_BMAP_2') aliases.push('BMAP_2');
      put({ name: r.name, id: hex, class: cls, aliases, encoding: r.encoding, description: DESCRIPTIONS[r.name] ?? r.name });
      continue;
    }
    if (r.kind !== 'sysreg') throw new Error(`unknown kind ${r.kind}`);
    const d = decodeId(id);
    if (d?.class !== 'sysreg') throw new Error(`${r.name}: ${hex} is not a sysreg id`);
    let name = r.name;
    const aliases: string[] = [];
    let m: RegExpExecArray | null;
    if ((m = /^ID_UNALLOCATED\((\d),(\d),(\d+),(\d+),(\d)\)$/.exec(name))) {
      name = genericSysregName(d.fields);
      aliases.push(`ID_UNALLOCATED_${m[3]}_${m[4]}_${m[5]}`);
    } else if ((m = /^(KVM_REG_ARM_TIMER_CVAL|KVM_REG_ARM_TIMER_CNT) \(/.exec(name))) {
      name = m[1];
      // The value each one carries; the architectural name of the *other* encoding.
      aliases.push(name === 'KVM_REG_ARM_TIMER_CVAL' ? 'CNTV_CVAL_EL0' : 'CNTVCT_EL0');
    } else if ((m = /^(\w+) \((KVM_REG_ARM_\w+)\)$/.exec(name))) {
      name = m[1];
      aliases.push(m[2]);
    }
    if (!/^\w+$/.test(name)) throw new Error(`bad register name ${r.name}`);
    let feature = featureFor(name);
    if (r.sublist === 'pmu') feature = 'FEAT_PMUv3';
    const e: RegisterEntryData = { name, id: hex, class: 'sysreg', aliases, encoding: sysEncoding(d.fields), description: describeSysreg(name, d.fields) };
    if (feature) e.feature = feature;
    if (!/^always/.test(note) && r.sublist !== 'pmu') e.description += `; KVM lists it: ${note}`;
    put(e);
  }

  for (const r of parseTsv(sysregTsv)) {
    const f: SysregFields = { op0: +r.op0, op1: +r.op1, crn: +r.crn, crm: +r.crm, op2: +r.op2 };
    const id = encodeSysreg(f);
    if (id !== BigInt(r.kvm_id_hex)) throw new Error(`${r.name}: id ${r.kvm_id_hex} does not match its encoding`);
    const name = r.name;
    // Timer encodings: the architectural names go to the id whose *value* they carry (see above).
    const timerSwap: Record<string, string> = { CNTVCT_EL0: 'KVM_REG_ARM_TIMER_CNT', CNTV_CVAL_EL0: 'KVM_REG_ARM_TIMER_CVAL' };
    if (timerSwap[name]) continue;
    const e: RegisterEntryData = { name, id: idHex(id), class: 'sysreg', encoding: sysEncoding(f), description: describeSysreg(name, f) };
    const feature = featureFor(name);
    if (feature) e.feature = feature;
    put(e);
  }

  // CCSIDR demux: CSSELR = (level-1) << 1 | InD, levels 1..7.
  for (let csselr = 0; csselr < 14; csselr++) {
    const level = (csselr >> 1) + 1;
    const ind = csselr & 1;
    const id = encodeId({ class: 'demux', csselr });
    put({
      name: `CCSIDR_L${level}${ind ? 'I' : 'D'}`,
      id: idHex(id),
      class: 'demux',
      aliases: [`KVM_REG_ARM_DEMUX_CCSIDR_${csselr}`],
      encoding: `KVM_REG_ARM_DEMUX_ID_CCSIDR | ${csselr}`,
      description: `CCSIDR for cache level ${level}, ${ind ? 'instruction' : 'data or unified'} (CSSELR=${csselr}); listed when the host cache has that level`,
    });
  }

  // SVE (slice 0 of each; QEMU syncs these outside the cpreg list).
  put({ name: 'SVE_VLS', id: idHex(encodeId({ class: 'sve', kind: 'vls', n: 0, slice: 0 })), class: 'sve', aliases: ['KVM_REG_ARM64_SVE_VLS'], encoding: 'KVM_REG_ARM64_SVE_VLS', description: 'Bitmap of SVE vector lengths enabled for the vcpu', feature: 'FEAT_SVE' });
  for (let n = 0; n < 32; n++)
    put({ name: `SVE_Z${n}`, id: idHex(encodeId({ class: 'sve', kind: 'zreg', n, slice: 0 })), class: 'sve', encoding: `KVM_REG_ARM64_SVE_ZREG(${n},0)`, description: `SVE vector register Z${n}, slice 0`, feature: 'FEAT_SVE' });
  for (let n = 0; n < 16; n++)
    put({ name: `SVE_P${n}`, id: idHex(encodeId({ class: 'sve', kind: 'preg', n, slice: 0 })), class: 'sve', encoding: `KVM_REG_ARM64_SVE_PREG(${n},0)`, description: `SVE predicate register P${n}, slice 0`, feature: 'FEAT_SVE' });
  put({ name: 'SVE_FFR', id: idHex(encodeId({ class: 'sve', kind: 'ffr', n: 0, slice: 0 })), class: 'sve', encoding: 'KVM_REG_ARM64_SVE_FFR(0)', description: 'SVE first-fault register, slice 0', feature: 'FEAT_SVE' });

  // AArch32 cpreg indexes QEMU migrates under TCG.
  put({
    name: 'DBGDTRTX',
    id: idHex(encodeId({ class: 'aarch32', fields: { cp: 14, is64: false, ns: true, opc1: 3, crn: 0, crm: 5, opc2: 0 } })),
    class: 'aarch32',
    aliases: ['DBGDTRTX_TCG'],
    encoding: 'cp14 opc1=3 CRn=0 CRm=5 opc2=0 (QEMU cpreg index, 32-bit, ns)',
    description: 'Bogus AArch32 cp14 register QEMU <= 10.0 defined and migrated under TCG; removed in 10.1 (commit 4f2b82f60431 keeps the index loadable)',
  });

  return sortEntries([...byId.values()]);
}

const HEADER = `# mtc built-in register catalog. GENERATED by scripts/gen-catalog.mjs from
# catalog/data/arm64-sysregs.tsv and catalog/data/kvm-base-reg-list.tsv; do not edit.
# Override or extend it with your own catalog file (same format, --catalog FILE).
# Schema: schema/catalog.schema.json
`;

export function catalogYaml(entries: readonly RegisterEntryData[]): string {
  return HEADER + stringify({ format: 1, registers: entries }, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
}

/** Pre-compiled form loaded at start-up: one entry per line, for readable diffs. */
export function catalogJson(entries: readonly RegisterEntryData[]): string {
  return '{"format":1,"registers":[\n' + entries.map((e) => JSON.stringify(e)).join(',\n') + '\n]}\n';
}
