/**
 * Keeping the heap near what is alive while large inputs are compiled.
 *
 * V8 lets garbage pile up in the old generation until the heap has grown to a
 * multiple of what survived the last full collection; on a 10 MB rule file
 * that is hundreds of MB of dead tokens, syntax trees and output pieces
 * (issue 16: peak RSS 480 MB of which under 200 MB alive). mtc asks for a
 * full collection where much has just died: after the syntax rules (the
 * tokens), after the syntax trees are dropped, and between outputs when the
 * heap has grown by more than `slack`. The first two only for large inputs
 * (LARGE_INPUT_BYTES), so the usual few hundred KB of rules never pay for
 * them. A full collection of a 150 MB heap takes about 0.1 s.
 */
// Loaded when first needed: node:v8 alone adds about 2 ms to every start.
const v8 = () => process.getBuiltinModule('node:v8');

let gcFn: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (gcFn === undefined) {
    try {
      v8().setFlagsFromString('--expose-gc');
      gcFn = process.getBuiltinModule('node:vm').runInNewContext('gc') as () => void;
    } catch {
      gcFn = null;
    }
  }
  return gcFn;
}

/** Heap in use after the last collection mtc asked for (V8's own collections are not seen). */
let floor = 0;

/** The default growth allowed between two collections. */
export const GC_SLACK_BYTES = 48 * 1024 * 1024;

/** A full collection when the heap has grown by more than `slack` bytes since the last one mtc asked for. */
export function collectIfGrown(slack = GC_SLACK_BYTES): void {
  if (v8().getHeapStatistics().used_heap_size - floor >= slack) collect();
}

/** Rule text from which a project counts as large (about 9x that in syntax trees). */
export const LARGE_INPUT_BYTES = 4 * 1024 * 1024;

/** A full collection now, when the input is large (never for the usual few hundred KB of rules). */
export function collectIfLarge(inputBytes: number): void {
  if (inputBytes >= LARGE_INPUT_BYTES) collect();
}

/** The size of a project's rule text, in UTF-16 units. */
export function textSize(sources: Iterable<{ readonly text: string }>): number {
  let n = 0;
  for (const s of sources) n += s.text.length;
  return n;
}

function collect(): void {
  const gc = collector();
  if (!gc) return;
  gc();
  floor = v8().getHeapStatistics().used_heap_size;
}
