/**
 * A reader for QEMU's savevm (precopy migration) stream, written from the
 * format as QEMU's own writer and loader define it (file:line of the
 * qemu-10.2.2 tree unless marked; 11.1.1 writes the same records):
 *
 *   be32 QEMU_VM_FILE_MAGIC 0x5145564d "QEVM", be32 QEMU_VM_FILE_VERSION 3    savevm.h:17-19, savevm.c:1292-1293
 *   0x07 QEMU_VM_CONFIGURATION + the `configuration` vmstate                    savevm.c:1295-1309
 *   records, each starting with one type byte                                   savevm.h:21-30
 *     0x01 START / 0x04 FULL: be32 section_id, u8 len, idstr, be32 instance_id, be32 version_id   save_section_header, savevm.c:1004-1020
 *     0x02 PART  / 0x03 END:  be32 section_id
 *       then the section's data: an iterable handler's own format (only `ram` is read: ram.ts),
 *       or the vmstate of a device, described field by field in the VM description
 *     0x7e QEMU_VM_SECTION_FOOTER: be32 section_id of the section just written   save_section_footer, savevm.c:1026-1032
 *     0x08 QEMU_VM_COMMAND: be16 command, be16 length, data                      qemu_savevm_command_send, savevm.c:1082-1093
 *     0x00 QEMU_VM_EOF
 *   0x06 QEMU_VM_VMDESCRIPTION, be32 length, JSON                               savevm.c:1697-1708 (vmdesc.ts)
 *
 * A vmstate is its fields in order, then each subsection that was needed:
 * 0x05 QEMU_VM_SUBSECTION, u8 len, name, be32 version_id, its vmstate
 * (vmstate_subsection_save, vmstate.c:665-708).
 *
 * The reader is strict: every record must fit, every section must match the
 * description QEMU wrote for it, the end-of-file mark must sit right before
 * the description. Errors are StreamError with the byte offset.
 */
import { Cursor, StreamError, latin1, showOffset } from './cursor.js';
import { RamReader } from './ram.js';
import { MAX_DESC_DEPTH, locateDescription, readDescription, type DeviceDesc, type FieldDesc, type VmDescription, type VmsdDesc } from './vmdesc.js';

export const QEMU_VM_FILE_MAGIC = 0x5145564d;
export const QEMU_VM_FILE_VERSION = 3;
export const QEMU_VM_FILE_VERSION_COMPAT = 2;

const QEMU_VM_EOF = 0x00;
const QEMU_VM_SECTION_START = 0x01;
const QEMU_VM_SECTION_PART = 0x02;
const QEMU_VM_SECTION_END = 0x03;
const QEMU_VM_SECTION_FULL = 0x04;
const QEMU_VM_SUBSECTION = 0x05;
const QEMU_VM_VMDESCRIPTION = 0x06;
const QEMU_VM_CONFIGURATION = 0x07;
const QEMU_VM_COMMAND = 0x08;
const QEMU_VM_SECTION_FOOTER = 0x7e;
/** `enum qemu_vm_cmd`, savevm.c:78-98 (SWITCHOVER_START at :96 is 11): the only command a precopy stream to a file carries. */
const MIG_CMD_SWITCHOVER_START = 11;

/** Where a top-level field of a section lies in the stream. */
export interface FieldLocation {
  readonly name: string;
  readonly type: string;
  readonly offset: number;
  readonly size: number;
  readonly count: number;
}

export interface SectionInfo {
  readonly kind: 'start' | 'full';
  readonly idstr: string;
  readonly instanceId: number;
  readonly versionId: number;
  readonly sectionId: number;
  /** Offset of the section's type byte. */
  readonly offset: number;
}

/** A device section with the locations of its top-level fields (kept for `cpu` sections). */
export interface DeviceSection extends SectionInfo {
  readonly fields: readonly FieldLocation[];
}

export interface StreamLimits {
  /** Largest VM description searched for and read (default 16 MiB). */
  readonly maxDescriptionBytes?: number;
}

export interface ParsedStream {
  readonly size: number;
  readonly version: number;
  /** Machine type from the configuration section (`virt-10.2`), as QEMU's MachineClass names it. */
  readonly machine?: string;
  readonly targetPageBits?: number;
  readonly capabilities: readonly string[];
  readonly pageSize: number;
  readonly sections: readonly SectionInfo[];
  /** Every `cpu` section, in stream order. */
  readonly cpus: readonly DeviceSection[];
  readonly ramBlocks: ReadonlyMap<string, number>;
  readonly description: VmDescription;
}

export const DEFAULT_MAX_DESCRIPTION_BYTES = 16 * 1024 * 1024;

/**
 * Receives each field of a vmstate and of its subsections (not the fields
 * inside struct fields): `owner` is the vmsd name (`cpu`, `cpu/vfp`), `depth`
 * 0 for the section's own fields.
 */
type FieldSink = (f: FieldLocation, owner: string, depth: number) => void;

/** Walks one vmstate (fields, then subsections) as its description says. */
function walkVmstate(c: Cursor, d: VmsdDesc, depth: number, where: string, onField?: FieldSink): void {
  if (depth > MAX_DESC_DEPTH) c.fail(`${where}: nested more than ${MAX_DESC_DEPTH} levels`);
  for (const f of d.fields) {
    const loc = walkField(c, f, depth, `${where}/${f.name}`);
    onField?.(loc, d.vmsdName || where, depth);
  }
  for (const s of d.subsections) {
    const at = c.offset;
    const mark = c.u8(`subsection ${s.vmsdName} of ${where}`);
    if (mark !== QEMU_VM_SUBSECTION)
      c.fail(`${where}: expected subsection \`${s.vmsdName}\` (mark 0x05), found byte 0x${mark.toString(16).padStart(2, '0')}`, at);
    const len = c.u8(`subsection name length in ${where}`);
    const name = c.text(len, `subsection name in ${where}`);
    if (name !== s.vmsdName) c.fail(`${where}: subsection \`${name}\` where the description has \`${s.vmsdName}\``, at);
    const version = c.be32(`subsection version of ${name}`);
    if (s.version !== undefined && version !== s.version)
      c.fail(`${where}: subsection \`${name}\` has version ${version}, the description ${s.version}`, at);
    walkVmstate(c, s, depth + 1, name, onField);
  }
}

function walkField(c: Cursor, f: FieldDesc, depth: number, where: string): FieldLocation {
  const start = c.offset;
  if (f.type === 'struct' && f.struct) {
    for (let i = 0; i < f.count; i++) {
      const s = c.offset;
      walkVmstate(c, f.struct, depth + 1, where);
      // QEMU records the bytes of the first element (vmstate.c:562-565).
      if (i === 0 && c.offset - s !== f.size)
        c.fail(`${where}: the description gives ${f.size} bytes, its fields take ${c.offset - s}`, s);
    }
  } else if (f.type === 'capability') {
    // A migration capability name: u8 length + text (savevm.c:438-450, `put_capability`); elements differ in size.
    for (let i = 0; i < f.count; i++) c.skip(c.u8(`${where} length`), where);
  } else {
    const total = f.size * f.count;
    if (!Number.isSafeInteger(total)) c.fail(`${where}: ${f.count} elements of ${f.size} bytes cannot be in the stream`);
    c.skip(total, `field ${where}`);
  }
  return { name: f.name, type: f.type, offset: start, size: f.size, count: f.count };
}

/**
 * The configuration section (savevm.c:541-560, `vmstate_configuration`):
 * `len` and `name` (the machine type QEMU's MachineClass calls itself), and
 * the subsections `configuration/target-page-bits` and
 * `configuration/capabilities` (the capabilities that change the format).
 */
function readConfiguration(c: Cursor, d: VmsdDesc): { machine?: string; targetPageBits?: number; capabilities: string[] } {
  const fields = new Map<string, FieldLocation>();
  walkVmstate(c, d, 0, 'configuration', (f, owner) => {
    const key = `${owner}/${f.name}`;
    if (!fields.has(key)) fields.set(key, f);
  });
  const out: { machine?: string; targetPageBits?: number; capabilities: string[] } = { capabilities: [] };
  const bytes = c.bytes;
  const len = fields.get('configuration/len');
  const name = fields.get('configuration/name');
  if (len && name && len.size === 4 && name.count === 1) {
    const n = new Cursor(bytes, len.offset).be32('configuration len');
    if (n !== name.size) throw new StreamError(len.offset, `configuration: machine name length ${n}, but the name field has ${name.size} bytes`);
    out.machine = latin1(bytes.subarray(name.offset, name.offset + name.size));
  }
  const bits = fields.get('configuration/target-page-bits/target_page_bits');
  if (bits && bits.size === 4) out.targetPageBits = new Cursor(bytes, bits.offset).be32('target_page_bits');
  const caps = fields.get('configuration/capabilities/capabilities');
  if (caps && caps.type === 'capability') {
    const r = new Cursor(bytes, caps.offset);
    for (let i = 0; i < caps.count; i++) out.capabilities.push(r.text(r.u8('capability length'), 'capability'));
  }
  return out;
}

/** Reads a whole stream held in memory. Throws StreamError on anything that does not fit the format. */
export function parseStream(bytes: Uint8Array, limits: StreamLimits = {}): ParsedStream {
  const head: Cursor = new Cursor(bytes);
  if (bytes.length < 8) head.fail(`not a QEMU migration stream: ${bytes.length} bytes, the header alone has 8`, 0);
  const magic = head.be32('file magic');
  if (magic !== QEMU_VM_FILE_MAGIC)
    head.fail(`not a QEMU migration stream: file magic 0x${magic.toString(16).padStart(8, '0')}, expected 0x5145564d ("QEVM")`, 0);
  const version = head.be32('file version');
  if (version === QEMU_VM_FILE_VERSION_COMPAT) head.fail('stream version 2 is the obsolete savevm v2 format, which QEMU itself no longer loads (savevm.c:2742-2746)', 4);
  if (version !== QEMU_VM_FILE_VERSION) head.fail(`unknown stream version ${version}, expected 3`, 4);

  const loc = locateDescription(bytes, limits.maxDescriptionBytes ?? DEFAULT_MAX_DESCRIPTION_BYTES);
  if (!loc)
    throw new StreamError(
      bytes.length,
      'no JSON VM description at the end of the stream: the stream is cut short, or QEMU ran with suppress-vmdesc=on (QEMU ends a stream with 0x06, a be32 length and that much JSON)',
      'no-vmdesc',
    );
  const desc = readDescription(bytes, loc);
  const c: Cursor = new Cursor(bytes, 8, loc.markOffset);

  let config: { machine?: string; targetPageBits?: number; capabilities: string[] } = { capabilities: [] };
  const sections: SectionInfo[] = [];
  const cpus: DeviceSection[] = [];
  const iterables = new Map<number, { idstr: string; ended: boolean; ram?: RamReader }>();
  const seenIds = new Set<number>();
  let ram: RamReader | undefined;
  let device = 0;
  let first = true;
  let lastSection: number | undefined;
  let footerAllowed = false;

  for (;;) {
    const at = c.offset;
    const type = c.u8('section type');
    if (type === QEMU_VM_CONFIGURATION) {
      if (!first) c.fail('a second configuration section', at);
      if (!desc.configuration) c.fail('the stream has a configuration section but the VM description does not describe it', at);
      const start = c.offset;
      config = readConfiguration(c, desc.configuration);
      const unsupported = config.capabilities.filter((x) => x === 'x-ignore-shared' || x === 'mapped-ram');
      if (unsupported.length)
        c.fail(`the stream was written with capability ${unsupported.join(', ')}, which changes the RAM format; capture without it`, start);
      first = false;
      footerAllowed = false;
      continue;
    }
    first = false;
    if (type === QEMU_VM_EOF) {
      if (at !== loc.markOffset - 1)
        c.fail(`end-of-file mark at ${showOffset(at)}, but the VM description starts at ${showOffset(loc.markOffset)}`, at);
      break;
    }
    if (type === QEMU_VM_SECTION_START || type === QEMU_VM_SECTION_FULL) {
      const sectionId = c.be32('section id');
      const len = c.u8('section idstr length');
      const idstr = c.text(len, 'section idstr');
      const instanceId = c.be32('section instance id');
      const versionId = c.be32('section version id');
      if (seenIds.has(sectionId)) c.fail(`section id ${sectionId} (\`${idstr}\`) is used twice`, at);
      seenIds.add(sectionId);
      const info: SectionInfo = { kind: type === QEMU_VM_SECTION_START ? 'start' : 'full', idstr, instanceId, versionId, sectionId, offset: at };
      sections.push(info);
      if (type === QEMU_VM_SECTION_START) {
        if (idstr !== 'ram')
          c.fail(`iterable section \`${idstr}\` (instance ${instanceId}) has a format of its own that this reader does not know; only \`ram\` is read`, at);
        if (versionId !== 4) c.fail(`ram section version ${versionId}, only version 4 is known (ram.c, \`ram_load\`)`, at);
        ram ??= new RamReader(desc.pageSize);
        iterables.set(sectionId, { idstr, ended: false, ram });
        ram.read(c);
      } else {
        const d: DeviceDesc | undefined = desc.devices[device++];
        if (!d) c.fail(`section \`${idstr}\` (instance ${instanceId}) is not in the VM description (it lists ${desc.devices.length} sections)`, at);
        if (d.name !== idstr || d.instanceId !== instanceId)
          c.fail(`section \`${idstr}\` instance ${instanceId} where the VM description has \`${d.name}\` instance ${d.instanceId}`, at);
        if (d.version !== undefined && d.version !== versionId)
          c.fail(`section \`${idstr}\` has version ${versionId}, its description ${d.version}`, at);
        const fields: FieldLocation[] = [];
        walkVmstate(c, d, 0, idstr, idstr === 'cpu' ? (f, _owner, depth) => depth === 0 && fields.push(f) : undefined);
        if (idstr === 'cpu') cpus.push({ ...info, fields });
      }
      lastSection = sectionId;
      footerAllowed = true;
      continue;
    }
    if (type === QEMU_VM_SECTION_PART || type === QEMU_VM_SECTION_END) {
      const sectionId = c.be32('section id');
      const it = iterables.get(sectionId);
      if (!it) c.fail(`${type === QEMU_VM_SECTION_PART ? 'part' : 'end'} of section id ${sectionId}, which no start record opened`, at);
      if (it.ended) c.fail(`section id ${sectionId} (\`${it.idstr}\`) continues after its end record`, at);
      it.ram!.read(c);
      if (type === QEMU_VM_SECTION_END) it.ended = true;
      lastSection = sectionId;
      footerAllowed = true;
      continue;
    }
    if (type === QEMU_VM_SECTION_FOOTER) {
      if (!footerAllowed) c.fail('section footer without a section before it', at);
      const id = c.be32('section footer id');
      if (id !== lastSection) c.fail(`section footer for section id ${id}, but section id ${lastSection} was just read`, at);
      footerAllowed = false;
      continue;
    }
    if (type === QEMU_VM_COMMAND) {
      const cmd = c.be16('command');
      const len = c.be16('command length');
      if (cmd !== MIG_CMD_SWITCHOVER_START || len !== 0)
        c.fail(`migration command ${cmd} (length ${len}) is not part of a precopy stream to a file; only SWITCHOVER_START (11) is`, at);
      footerAllowed = false;
      continue;
    }
    if (type === QEMU_VM_SUBSECTION) c.fail('subsection mark outside a section: the previous section is longer than its description says', at);
    if (type === QEMU_VM_VMDESCRIPTION) c.fail('VM description mark before the end-of-file mark', at);
    c.fail(`unknown record type 0x${type.toString(16).padStart(2, '0')}`, at);
  }
  for (const [id, it] of iterables) if (!it.ended) c.fail(`iterable section \`${it.idstr}\` (id ${id}) has no end record before the end-of-file mark`, loc.markOffset - 1);
  if (device !== desc.devices.length)
    c.fail(`the VM description lists ${desc.devices.length} device sections, the stream has ${device}`, loc.markOffset - 1);

  const out: { -readonly [K in keyof ParsedStream]: ParsedStream[K] } = {
    size: bytes.length,
    version,
    capabilities: config.capabilities,
    pageSize: desc.pageSize,
    sections,
    cpus,
    ramBlocks: ram?.blocks ?? new Map(),
    description: desc,
  };
  if (config.machine !== undefined) out.machine = config.machine;
  if (config.targetPageBits !== undefined) out.targetPageBits = config.targetPageBits;
  return out;
}
