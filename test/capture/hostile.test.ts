/**
 * Truncated, corrupted and hostile streams: the reader gives a StreamError
 * with the byte offset where the stream stopped making sense, never another
 * exception, a hang or an allocation sized by the stream.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpregLists } from '../../src/capture/cpreg.js';
import { StreamError } from '../../src/capture/cursor.js';
import { parseStream } from '../../src/capture/savevm.js';
import { locateDescription } from '../../src/capture/vmdesc.js';
import { stream } from './support.js';
import { Bytes, FLAG, writeStream, type StreamSpec } from './writer.js';

/** Parses and reads the cpreg lists; returns the StreamError, or undefined when the stream is fine. */
function attempt(b: Uint8Array): StreamError | undefined {
  try {
    cpregLists(b, parseStream(b));
    return undefined;
  } catch (e) {
    if (e instanceof StreamError) return e;
    throw e;
  }
}

function error(spec: StreamSpec | Uint8Array): StreamError {
  const b = spec instanceof Uint8Array ? spec : writeStream(spec);
  const e = attempt(b);
  expect(e, 'the stream should be refused').toBeInstanceOf(StreamError);
  expect(e!.offset).toBeGreaterThanOrEqual(0);
  expect(e!.offset).toBeLessThanOrEqual(b.length);
  return e!;
}

/** Offset of a byte pattern in a buffer (the n-th occurrence). */
function find(b: Buffer, pattern: number[] | string, nth = 0): number {
  const needle = typeof pattern === 'string' ? Buffer.from(pattern, 'latin1') : Buffer.from(pattern);
  let at = -1;
  for (let i = 0; i <= nth; i++) at = b.indexOf(needle, at + 1);
  if (at < 0) throw new Error('pattern not found');
  return at;
}

describe('the synthetic writer makes streams the reader accepts', () => {
  it('one vCPU', () => {
    const b = writeStream({ cpus: [{ indexes: [1n, 2n, 0x603000000013c006n] }] });
    const p = parseStream(b);
    expect(p.machine).toBe('virt-10.2');
    const [l] = cpregLists(b, p);
    expect(l.indexes).toEqual([1n, 2n, 0x603000000013c006n]);
    expect(l.values).toEqual([0n, 0x1111n, 0x2222n]);
  });

  it('arrays of zero and one element (QEMU describes no field, and a plain field)', () => {
    const b0 = writeStream({ cpus: [{ indexes: [] }] });
    expect(cpregLists(b0, parseStream(b0))[0].indexes).toEqual([]);
    const b1 = writeStream({ cpus: [{ indexes: [5n], values: [9n] }] });
    const l1 = cpregLists(b1, parseStream(b1))[0];
    expect([l1.indexes, l1.values]).toEqual([[5n], [9n]]);
  });

  it('round-trips any sorted list of 64-bit ids and values, any number of vCPUs', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (ids, vcpus, footers) => {
          const indexes = [...ids].sort((a, b) => (a < b ? -1 : 1));
          const values = indexes.map((x) => x ^ 0xf0f0n);
          const b = writeStream({ footers, cpus: Array.from({ length: vcpus }, () => ({ indexes, values })) });
          const lists = cpregLists(b, parseStream(b));
          expect(lists.map((l) => l.instanceId)).toEqual(Array.from({ length: vcpus }, (_, i) => i));
          for (const l of lists) expect([l.indexes, l.values]).toEqual([indexes, values]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('located errors', () => {
  it('not a migration stream: the magic, at byte 0', () => {
    const e = error({ magic: 0x7f454c46 });
    expect([e.offset, e.message]).toEqual([0, 'not a QEMU migration stream: file magic 0x7f454c46, expected 0x5145564d ("QEVM")']);
    expect(error(Buffer.from('QEV')).message).toMatch(/3 bytes, the header alone has 8/);
  });

  it('stream version 2 and unknown versions, at byte 4', () => {
    expect(error({ version: 2 })).toMatchObject({ offset: 4 });
    expect(error({ version: 9 }).message).toBe('unknown stream version 9, expected 3');
  });

  it('no VM description (suppress-vmdesc, or a stream cut short): kind no-vmdesc at the end', () => {
    const full = writeStream();
    const cut = full.subarray(0, full.length - 10);
    const e = error(cut);
    expect(e.kind).toBe('no-vmdesc');
    expect(e.offset).toBe(cut.length);
  });

  it('a description that is not JSON, or not UTF-8, at the start of the JSON', () => {
    const b = writeStream({ descText: (t) => t.replace('"page_size"', '"page_size":,') });
    const e = error(b);
    expect(e.offset).toBe(locateDescription(b, 1 << 20)!.jsonOffset);
    expect(e.message).toMatch(/^VM description is not valid JSON/);
    const bad = writeStream({ descText: (t) => t.replace('"timer"', '"t\u00ffr"') });
    bad[bad.indexOf(Buffer.from('t\u00ffr', 'utf8'))] = 0xff; // a lone continuation byte
    expect(error(bad).message).toMatch(/not (valid JSON|UTF-8)/);
  });

  it('hostile sizes in the description are refused before anything is read or allocated', () => {
    const e = error({ desc: (d) => (((d.devices as Record<string, unknown>[])[1].fields as Record<string, unknown>[])[2].array_len = 2 ** 40) });
    expect(e.message).toMatch(/array_len: 1099511627776 is larger than possible/);
    expect(error({ desc: (d) => (d.page_size = 3) }).message).toMatch(/page_size: 3 is not a power of two/);
    expect(error({ desc: (d) => ((((d.devices as Record<string, unknown>[])[0].fields as Record<string, unknown>[])[0].size = -1)) }).message).toMatch(/size: expected a non-negative integer/);
  });

  it('a description nested deeper than 64 levels', () => {
    const deep = (n: number): Record<string, unknown> => (n === 0 ? { vmsd_name: 'x', fields: [] } : { vmsd_name: 'x', fields: [{ name: 's', type: 'struct', size: 0, struct: deep(n - 1) }] });
    expect(error({ desc: (d) => ((d.devices as Record<string, unknown>[]).push({ name: 'deep', instance_id: 0, ...deep(100) }), undefined) }).message).toMatch(/nested more than 64 levels/);
    // 100,000 nested arrays: JSON.parse or the shape check refuses it, without a stack overflow escaping.
    const e = error({ descText: (t) => t.replace('"devices":[', `"devices":[${'['.repeat(100_000)}${']'.repeat(100_000)},`) });
    expect(e.message).toMatch(/VM description/);
  });

  it('a section the description does not announce, or announces under another name', () => {
    const e = error({ desc: (d) => ((d.devices as Record<string, unknown>[])[0].name = 'rtc') });
    expect(e.message).toBe('section `timer` instance 0 where the VM description has `rtc` instance 0');
    const b = writeStream();
    expect(e.offset).toBe(find(b, 'timer') - 6);
  });

  it('a field longer in the stream than in the description shows up at the next record', () => {
    const e = error({ desc: (d) => ((((d.devices as Record<string, unknown>[])[1].fields as Record<string, unknown>[])[3].size = 16)) });
    expect(e.message).toMatch(/expected subsection `cpu\/vfp` \(mark 0x05\)|stream ends inside|section footer/);
  });

  it('a subsection with another name or version', () => {
    const b = writeStream();
    const at = find(b, 'cpu/vfp') - 2;
    b[at + 5] = 'X'.charCodeAt(0); // mark, length, then `cpu/vfp`: the slash
    expect(error(b)).toMatchObject({ offset: at, message: 'cpu: subsection `cpuXvfp` where the description has `cpu/vfp`' });
    const v = writeStream();
    v[find(v, 'cpu/vfp') + 7 + 3] = 4; // the be32 version after the name: 3 -> 4
    expect(error(v).message).toBe('cpu: subsection `cpu/vfp` has version 4, the description 3');
  });

  it('a footer that names another section', () => {
    const b = writeStream();
    const at = find(b, [0x7e, 0, 0, 0, 2]);
    b[at + 4] = 9;
    expect(error(b)).toMatchObject({ offset: at, message: 'section footer for section id 9, but section id 2 was just read' });
  });

  it('an unknown record type, a command that is not SWITCHOVER_START, a subsection mark out of place', () => {
    expect(error({ beforeEof: (b) => b.u8(0x42) }).message).toBe('unknown record type 0x42');
    expect(error({ beforeEof: (b) => b.u8(0x08).be16(7).be16(4).be32(0) }).message).toMatch(/migration command 7 \(length 4\) is not part of a precopy stream/);
    expect(attempt(writeStream({ beforeEof: (b) => b.u8(0x08).be16(11).be16(0) }))).toBeUndefined();
    expect(error({ beforeEof: (b) => b.u8(0x05) }).message).toMatch(/subsection mark outside a section/);
  });

  it('bytes between the end-of-file mark and the description', () => {
    const b = writeStream();
    const loc = locateDescription(b, 1 << 20)!;
    const broken = Buffer.concat([b.subarray(0, loc.markOffset - 1), Buffer.from([0x00, 0x00]), b.subarray(loc.markOffset)]);
    const e = error(broken);
    expect(e.message).toMatch(/^end-of-file mark at .*, but the VM description starts at/);
  });

  it('capabilities that change the RAM format are refused; others are read', () => {
    expect(error({ capabilities: ['mapped-ram'] }).message).toMatch(/capability mapped-ram, which changes the RAM format/);
    const ok = writeStream({ capabilities: ['validate-uuid', 'events'] });
    expect(parseStream(ok).capabilities).toEqual(['validate-uuid', 'events']);
  });

  describe('RAM records', () => {
    const ram = (f: (b: Bytes, page: number) => void) => error({ ram: f });
    it('a block of length 0 (which would never use up the announced total)', () => {
      expect(ram((b, p) => b.be64(BigInt(p) | BigInt(FLAG.MEM_SIZE)).name('r').be64(0n)).message).toMatch(/RAM block `r` has length 0/);
    });
    it('a page of a block that was not announced, or outside its block, or CONTINUE before any block', () => {
      const size = (b: Bytes, p: number) => b.be64(BigInt(p) | BigInt(FLAG.MEM_SIZE)).name('r').be64(BigInt(p));
      expect(ram((b, p) => (size(b, p), b.be64(BigInt(FLAG.ZERO)).name('q').u8(0))).message).toMatch(/block `q`, which the RAM size record did not announce/);
      expect(ram((b, p) => (size(b, p), b.be64(BigInt(8 * p) | BigInt(FLAG.ZERO)).name('r').u8(0))).message).toMatch(/RAM page at 0x2000 is outside block `r`/);
      expect(ram((b, p) => (size(b, p), b.be64(BigInt(FLAG.ZERO | FLAG.CONTINUE)).u8(0))).message).toMatch(/continues a block, but no block was named/);
    });
    it('a zero page whose fill byte is not 0, XBZRLE, RDMA hooks, unknown flags, CONTINUE alone', () => {
      const size = (b: Bytes, p: number) => b.be64(BigInt(p) | BigInt(FLAG.MEM_SIZE)).name('r').be64(BigInt(p));
      expect(ram((b, p) => (size(b, p), b.be64(BigInt(FLAG.ZERO)).name('r').u8(7))).message).toBe('zero page with fill byte 7 (QEMU sends only 0)');
      expect(ram((b) => b.be64(BigInt(FLAG.XBZRLE))).message).toMatch(/XBZRLE/);
      expect(ram((b) => b.be64(BigInt(FLAG.HOOK))).message).toMatch(/RDMA/);
      expect(ram((b) => b.be64(BigInt(FLAG.PAGE | FLAG.ZERO))).message).toBe('RAM record with unknown flags 0xa');
      expect(ram((b) => b.be64(BigInt(FLAG.CONTINUE))).message).toMatch(/CONTINUE goes only with a page/);
    });
    it('a RAM section that never reaches EOS runs into the end of the data, located there', () => {
      const b = writeStream({ ram: (x, p) => x.be64(BigInt(p) | BigInt(FLAG.MEM_SIZE)).name('r').be64(BigInt(p)) });
      // Without EOS the section's end record is read as RAM headers; it fails inside the stream.
      expect(error(b).offset).toBeLessThan(locateDescription(b, 1 << 20)!.markOffset + 1);
    });
  });

  describe('the cpreg arrays', () => {
    it('a negative length', () => {
      expect(error({ cpus: [{ indexes: [], lengthField: -5 }] }).message).toMatch(/cpreg_vmstate_array_len is negative \(-5\)/);
    });
    it('a length that disagrees with the described arrays', () => {
      const e = error({ cpus: [{ indexes: [1n, 2n, 3n], lengthField: 4 }] });
      expect(e.message).toMatch(/cpreg_vmstate_array_len is 4 but cpreg_vmstate_indexes has 3 elements/);
      const b = writeStream({ cpus: [{ indexes: [1n, 2n, 3n], lengthField: 4 }] });
      expect(e.offset).toBe(find(b, [0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1]) + 4);
    });
    it('indexes out of order, at the offending index', () => {
      const b = writeStream({ cpus: [{ indexes: [1n, 3n, 2n] }] });
      const e = error(b);
      expect(e.message).toMatch(/cpreg index 2 \(0x2\) does not sort after index 1 \(0x3\)/);
      const be64 = (x: number) => [0, 0, 0, 0, 0, 0, 0, x];
      expect(e.offset).toBe(find(b, [...be64(1), ...be64(3), ...be64(2)]) + 16);
    });
    it('a length field of another type', () => {
      expect(error({ cpus: [{ indexes: [1n], lengthType: 'uint64' }] }).message).toMatch(/expected one int32/);
    });
    it('no cpu section: kind no-cpu, naming the sections there are', () => {
      const e = error({ cpus: [] });
      expect(e.kind).toBe('no-cpu');
      expect(e.message).toBe('the stream has no `cpu` section (its sections: ram, timer)');
    });
    it('a cpu section without cpreg fields (not an Arm CPU): kind no-cpu', () => {
      const e = error({
        desc: (d) => {
          const cpu = (d.devices as Record<string, unknown>[])[1];
          cpu.fields = [{ name: 'blob', type: 'buffer', size: 8 + 4 + 8 * 2 + 8 * 2 + 4 }];
        },
      });
      expect([e.kind, e.message]).toEqual(['no-cpu', expect.stringMatching(/has no field cpreg_vmstate_array_len: it is not an Arm CPU/)]);
    });
  });
});

describe('random damage never escapes as anything but a located StreamError', () => {
  const base = writeStream({ cpus: [{ indexes: [0x40200000200e0298n, 0x603000000013c006n, 0x603000000013c807n] }, { indexes: [0x603000000013c006n] }] });

  it('flipped bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
        const b = Buffer.from(base);
        for (const [at, x] of flips) b[at] ^= x;
        const e = attempt(b);
        if (e) expect(e.offset).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 1500 },
    );
  });

  it('a chunk cut out of the middle (the description stays)', () => {
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.integer({ min: 1, max: 64 }), (at, len) => {
        const b = Buffer.concat([base.subarray(0, at), base.subarray(Math.min(base.length, at + len))]);
        const e = attempt(b);
        if (e) expect(e.offset).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 1500 },
    );
  });

  it('any prefix: refused, located within the prefix', () => {
    for (let n = 0; n < base.length; n++) expect(error(base.subarray(0, n)).offset).toBeLessThanOrEqual(n);
  });
});

describe('damage to a real stream (10.2.2, -cpu max)', () => {
  const real = stream('qemu-10.2.2-virt-10.2-max');
  const loc = locateDescription(real, 1 << 24)!;

  it('cut at the end of the data (no end-of-file mark): the reader reports where the data ends', () => {
    const b = Buffer.concat([real.subarray(0, loc.markOffset - 1000), real.subarray(loc.markOffset)]);
    expect(error(b).offset).toBeLessThanOrEqual(loc.markOffset);
  });

  it('a cpreg index overwritten so that the list no longer sorts: the offset is that index', () => {
    const b = Buffer.from(real);
    const parsed = parseStream(b);
    const l = cpregLists(b, parsed)[0];
    const at = l.indexesOffset + 8 * 10;
    b.fill(0, at, at + 8);
    expect(error(b)).toMatchObject({ offset: at });
  });

  it('flipped bytes anywhere in the 650 KB stream', () => {
    fc.assert(
      fc.property(fc.nat(real.length - 1), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const b = Buffer.from(real);
        b[at] ^= x;
        const e = attempt(b);
        if (e) expect(e.offset).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 60 },
    );
  });
});
