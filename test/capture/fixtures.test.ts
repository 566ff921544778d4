/**
 * The stream reader on migration streams real QEMU binaries wrote
 * (test/fixtures/capture/, scripts/capture-fixtures.mjs), checked against
 * what QEMU said about the same streams without mtc: its trace event
 * vmstate_save_state_loop, its scripts/analyze-migration.py, QMP, and the
 * lines a destination QEMU printed when it loaded them.
 */
import { describe, expect, it } from 'vitest';
import { compareVcpus, cpregLists, type CpregList } from '../../src/capture/cpreg.js';
import { parseStream } from '../../src/capture/savevm.js';
import { fixtureNames, kvmToCpregId, manifest, pyHex, sha256, stream } from './support.js';

function read(name: string): { lists: CpregList[]; parsed: ReturnType<typeof parseStream> } {
  const b = stream(name);
  const parsed = parseStream(b);
  return { parsed, lists: cpregLists(b, parsed) };
}

const list = (name: string) => read(name).lists[0];

describe('the fixtures are what the manifest says', () => {
  it('there are fixtures of both QEMU versions and both CPU models', () => {
    const f = Object.values(manifest.fixtures);
    for (const q of ['10.2.2', '11.1.1']) for (const cpu of ['max', 'cortex-a57']) expect(f.some((x) => x.qemu === q && x.cpu === cpu)).toBe(true);
    expect(f.some((x) => x.smp > 1)).toBe(true);
  });

  it.each(fixtureNames)('%s: size and sha256 of the decompressed stream', (name) => {
    const b = stream(name);
    expect(b.length).toBe(manifest.fixtures[name].stream_bytes);
    expect(sha256(b)).toBe(manifest.fixtures[name].stream_sha256);
  });
});

describe.each(fixtureNames)('%s', (name) => {
  const m = manifest.fixtures[name];
  const { parsed, lists } = read(name);

  it('the configuration section names the machine type QMP reported (qom-get /machine type)', () => {
    expect(parsed.machine).toBe(m.machine_qom_type.replace(/-machine$/, ''));
    expect(parsed.machine).toBe(m.machine);
  });

  it('one cpu section per vCPU of query-cpus-fast, instance ids 0..n-1', () => {
    expect(lists.map((l) => l.instanceId)).toEqual(m.cpus.map((c) => c['cpu-index']));
    expect(lists.length).toBe(m.smp);
  });

  it("each list is as long as QEMU's own trace says it wrote (vmstate_save_state_loop)", () => {
    const traced = m.trace.filter((t) => t.startsWith('cpreg_vmstate_indexes[')).map((t) => Number(/\[(\d+)\]/.exec(t)![1]));
    expect(traced.length).toBe(lists.length);
    expect(lists.map((l) => l.indexes.length)).toEqual(traced);
    expect(lists.map((l) => l.values.length)).toEqual(traced);
  });

  it('indexes and values equal what QEMU\'s scripts/analyze-migration.py read', () => {
    expect(lists.length).toBe(m.analyze.length);
    lists.forEach((l, i) => {
      const a = m.analyze[i];
      expect(l.indexes.length).toBe(a.length);
      expect(pyHex(l.indexes[0])).toBe(a.first_index);
      expect(pyHex(l.indexes[l.indexes.length - 1])).toBe(a.last_index);
      expect(sha256(l.indexes.map(pyHex).join('\n'))).toBe(a.indexes_sha256);
      expect(sha256(l.values.map(pyHex).join('\n'))).toBe(a.values_sha256);
    });
  });

  it('the length field has the type of that QEMU release and the cpu section version 22', () => {
    // 10.2.2 target/arm/machine.c:1155 VMSTATE_INT32_POSITIVE_LE ("int32 le"); 11.1.1 :1286 VMSTATE_INT32.
    for (const l of lists) {
      expect(l.lengthType).toBe(m.qemu === '10.2.2' ? 'int32 le' : 'int32');
      expect(l.versionId).toBe(22);
    }
  });

  it('the RAM section and every device section of the description were read', () => {
    expect(parsed.sections.filter((s) => s.kind === 'full').length).toBe(parsed.description.devices.length);
    expect(parsed.sections.filter((s) => s.kind === 'start').map((s) => s.idstr)).toEqual(['ram']);
    expect(parsed.ramBlocks.get('mach-virt.ram')).toBe(128 * 1024 * 1024);
    expect(parsed.pageSize).toBe(4096);
  });
});

describe('registers present or absent as the QEMU sources say', () => {
  const MIDR_EL1 = 0x603000000013c000n;
  const REVIDR_EL1 = 0x603000000013c006n;
  const DBGDTRTX = 0x40200000200e0298n;
  const ID_AA64ISAR0_EL1 = 0x603000000013c030n;
  const has = (name: string, id: bigint) => list(name).indexes.includes(id);

  it('MIDR_EL1 is never migrated under TCG: ARM_CP_NO_RAW (10.2.2 target/arm/helper.c:7074-7076, 11.1.1 :7197-7199)', () => {
    for (const n of fixtureNames) expect(has(n, MIDR_EL1), n).toBe(false);
  });

  it('REVIDR_EL1 is migrated (ARM_CP_CONST, 10.2.2 helper.c:7084-7089)', () => {
    for (const n of fixtureNames) expect(has(n, REVIDR_EL1), n).toBe(true);
  });

  it('10.2.2 sends the bogus DBGDTRTX index for v7-capable CPUs (BOGUS_DBGDTR_EL0, 10.2.2 debug_helper.c:1030-1033)', () => {
    expect(has('qemu-10.2.2-virt-10.2-max', DBGDTRTX)).toBe(true);
    expect(has('qemu-10.2.2-virt-10.2-cortex-a57', DBGDTRTX)).toBe(true);
  });

  it('11.1.1 no longer sends it, on any machine type: it only tolerates it on input (11.1.1 helper.c:6476-6500)', () => {
    expect(has('qemu-11.1.1-virt-11.1-max', DBGDTRTX)).toBe(false);
    expect(has('qemu-11.1.1-virt-11.1-cortex-a57', DBGDTRTX)).toBe(false);
    expect(has('qemu-11.1.1-virt-10.2-max', DBGDTRTX)).toBe(false);
  });

  it('ID_AA64ISAR0_EL1: ARM_CP_CONST in 10.2.2 (helper.c:6514-6518), ARM_CP_NO_RAW in 11.1.1 (helper.c:6614-6626)', () => {
    expect(has('qemu-10.2.2-virt-10.2-max', ID_AA64ISAR0_EL1)).toBe(true);
    expect(has('qemu-11.1.1-virt-11.1-max', ID_AA64ISAR0_EL1)).toBe(false);
    expect(has('qemu-11.1.1-virt-10.2-max', ID_AA64ISAR0_EL1)).toBe(false);
  });

  it('the TCG list of 11.1.1 does not depend on the machine type (virt-10.2 and virt-11.1 list the same registers)', () => {
    expect(list('qemu-11.1.1-virt-10.2-max').indexes).toEqual(list('qemu-11.1.1-virt-11.1-max').indexes);
  });
});

describe('two vCPUs (-smp 2)', () => {
  const { lists } = read('qemu-10.2.2-virt-10.2-max-smp2');
  it('list the same registers as each other and as the one-vCPU capture', () => {
    expect(lists[1].indexes).toEqual(lists[0].indexes);
    expect(lists[0].indexes).toEqual(list('qemu-10.2.2-virt-10.2-max').indexes);
    expect(compareVcpus(lists).listDifferences).toEqual([]);
  });
  it('compareVcpus reports exactly the values that differ', () => {
    const differ = lists[0].indexes.filter((_, i) => lists[0].values[i] !== lists[1].values[i]);
    expect(compareVcpus(lists).valueDifferences).toEqual(differ);
  });
});

describe('what a destination QEMU printed when it loaded these streams', () => {
  const load = (from: string, to: string) => manifest.loads.find((l) => l.from === from && l.to === to)!;

  it('each stream loads into a destination like its source (so the fixtures are whole streams)', () => {
    expect(load('qemu-10.2.2-virt-10.2-max', 'qemu-10.2.2-virt-10.2-max').status).toBe('completed');
    expect(load('qemu-11.1.1-virt-11.1-max', 'qemu-11.1.1-virt-11.1-max').status).toBe('completed');
  });

  it('10.2.2 rejects max → cortex-a57 in its length check, naming both lengths the reader found', () => {
    const l = load('qemu-10.2.2-virt-10.2-max', 'qemu-10.2.2-virt-10.2-cortex-a57');
    expect(l.status).toBe('failed');
    const n = list('qemu-10.2.2-virt-10.2-max').indexes.length;
    const local = list('qemu-10.2.2-virt-10.2-cortex-a57').indexes.length;
    expect(l.stderr).toContain(`qemu-system-aarch64: Invalid value ${n} expecting positive value <= ${local}`);
  });

  for (const [from, to] of [
    ['qemu-11.1.1-virt-11.1-max', 'qemu-11.1.1-virt-11.1-cortex-a57'],
    ['qemu-11.1.1-virt-11.1-cortex-a57', 'qemu-11.1.1-virt-11.1-max'],
  ] as const) {
    it(`11.1.1 ${from} → ${to}: its trace gives both lengths, its messages name exactly the registers one list lacks`, () => {
      const l = load(from, to);
      const src = list(from);
      const dst = list(to);
      expect(l.stderr).toContain(`cpu_post_load cpreg_vmstate_array_len=${src.indexes.length} cpreg_array_len=${dst.indexes.length}`);
      const named = (re: RegExp) =>
        l.stderr
          .map((x) => re.exec(x))
          .filter((x): x is RegExpExecArray => x !== null)
          .map((x) => parseInt(x[1], 16))
          .sort((a, b) => a - b);
      const inSrcOnly = src.indexes.filter((id) => !dst.indexes.includes(id)).map(kvmToCpregId).sort((a, b) => a - b);
      const inDstOnly = dst.indexes.filter((id) => !src.indexes.includes(id)).map(kvmToCpregId).sort((a, b) => a - b);
      // 11.1.1 machine.c:1113-1114 (error_report) and :1090-1092 (warn_report): one line per register, none tolerated here.
      expect(named(/system register 0x([0-9a-f]+) in the incoming stream but unknown on the destination/)).toEqual(inSrcOnly);
      expect(named(/system register 0x([0-9a-f]+) expected by the destination but not in the incoming stream/)).toEqual(inDstOnly);
      expect(inSrcOnly.length + inDstOnly.length).toBeGreaterThan(0);
    });
  }
});
