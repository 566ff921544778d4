/**
 * The records of the `ram` iterable section (version 4), which hold the guest
 * memory and come before the device sections. The reader does not keep any
 * memory; it checks each record and steps over it to reach the `cpu` section.
 * Format, from qemu-10.2.2 migration/ram.c and ram.h:
 *
 *   be64 header = page address | flags, flags in the bits below the target page size
 *     (loader: `flags = addr & ~TARGET_PAGE_MASK`, ram.c:4338-4339)
 *   flags (ram.h:55-62): 0x002 ZERO, 0x004 MEM_SIZE, 0x008 PAGE, 0x010 EOS,
 *     0x020 CONTINUE, 0x040 XBZRLE, 0x080 HOOK, 0x200 MULTIFD_FLUSH
 *   MEM_SIZE: the address is the total RAM size; then per block u8 len, idstr, be64 used length,
 *     until the lengths add up to the total (ram_save_setup, ram.c:3135-3153; parse_ramblocks, :4265-4292)
 *   ZERO / PAGE: unless CONTINUE, u8 len + idstr of the block (save_page_header, ram.c:523-541);
 *     ZERO then has one byte 0 (save_zero_page, :1253-1254), PAGE one target page of data
 *   MULTIFD_FLUSH: nothing; EOS: the end of this part of the section (ram.c:3207, :3437)
 *
 * The loader accepts exactly one of these per record besides CONTINUE
 * (`switch (flags & ~RAM_SAVE_FLAG_CONTINUE)`, ram.c:4389-4449), and so does this reader.
 */
import { type Cursor } from './cursor.js';

const RAM_SAVE_FLAG_ZERO = 0x002;
const RAM_SAVE_FLAG_MEM_SIZE = 0x004;
const RAM_SAVE_FLAG_PAGE = 0x008;
const RAM_SAVE_FLAG_EOS = 0x010;
const RAM_SAVE_FLAG_CONTINUE = 0x020;
const RAM_SAVE_FLAG_XBZRLE = 0x040;
const RAM_SAVE_FLAG_HOOK = 0x080;
const RAM_SAVE_FLAG_MULTIFD_FLUSH = 0x200;

export class RamReader {
  /** RAM blocks announced by MEM_SIZE: idstr → used length. */
  readonly blocks = new Map<string, number>();
  /** Pages stepped over, for the summary. */
  zeroPages = 0;
  dataPages = 0;
  private current: string | undefined;

  constructor(readonly pageSize: number) {}

  private block(c: Cursor, flags: number, at: number): string {
    if (flags & RAM_SAVE_FLAG_CONTINUE) {
      if (this.current === undefined) c.fail('RAM page continues a block, but no block was named before', at);
      return this.current;
    }
    const len = c.u8('RAM block name length');
    const name = c.text(len, 'RAM block name');
    if (!this.blocks.has(name)) c.fail(`RAM page of block \`${name}\`, which the RAM size record did not announce`, at);
    this.current = name;
    return name;
  }

  /** Reads records up to and including EOS. */
  read(c: Cursor): void {
    for (;;) {
      const at = c.offset;
      // Two be32 halves: the flags live in the low bits of the low half (page size <= 1 MiB), and a
      // page address is compared with block lengths, which are below 2^53.
      const hi = c.be32('RAM record header');
      const lo = c.be32('RAM record header');
      const flags = lo & (this.pageSize - 1);
      const addr = hi * 0x1_0000_0000 + (lo - flags);
      const kind = flags & ~RAM_SAVE_FLAG_CONTINUE;
      if (flags & RAM_SAVE_FLAG_CONTINUE && kind !== RAM_SAVE_FLAG_ZERO && kind !== RAM_SAVE_FLAG_PAGE)
        c.fail(`RAM record flags 0x${flags.toString(16)}: CONTINUE goes only with a page`, at);
      switch (kind) {
        case RAM_SAVE_FLAG_MEM_SIZE: {
          if (this.blocks.size > 0) c.fail('a second RAM size record', at);
          if (!Number.isSafeInteger(addr)) c.fail(`RAM size record announces ${addr} bytes`, at);
          let total = addr;
          while (total > 0) {
            const blockAt = c.offset;
            const len = c.u8('RAM block name length');
            const name = c.text(len, 'RAM block name');
            const used = c.be64(`length of RAM block ${name}`);
            if (used === 0n || used > BigInt(total))
              c.fail(`RAM block \`${name}\` has length ${used}, but ${total} bytes of the announced total are left`, blockAt);
            if (this.blocks.has(name)) c.fail(`RAM block \`${name}\` is announced twice`, blockAt);
            this.blocks.set(name, Number(used));
            total -= Number(used);
          }
          break;
        }
        case RAM_SAVE_FLAG_ZERO:
        case RAM_SAVE_FLAG_PAGE: {
          const name = this.block(c, flags, at);
          if (!(addr < this.blocks.get(name)!)) c.fail(`RAM page at 0x${addr.toString(16)} is outside block \`${name}\` (${this.blocks.get(name)} bytes)`, at);
          if (kind === RAM_SAVE_FLAG_ZERO) {
            const fill = c.u8('zero page fill byte');
            if (fill !== 0) c.fail(`zero page with fill byte ${fill} (QEMU sends only 0)`, c.offset - 1);
            this.zeroPages++;
          } else {
            c.skip(this.pageSize, 'RAM page data');
            this.dataPages++;
          }
          break;
        }
        case RAM_SAVE_FLAG_MULTIFD_FLUSH:
          break;
        case RAM_SAVE_FLAG_EOS:
          return;
        case RAM_SAVE_FLAG_XBZRLE:
          c.fail('XBZRLE-compressed RAM page: capture without the xbzrle capability', at);
        // falls through (c.fail never returns)
        case RAM_SAVE_FLAG_HOOK:
          c.fail('RDMA RAM hook record: a stream to a file has none', at);
        // falls through
        default:
          c.fail(`RAM record with unknown flags 0x${flags.toString(16)}`, at);
      }
    }
  }
}
