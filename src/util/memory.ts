/**
 * Keeping the heap near what is alive while large inputs are compiled.
 *
 * V8 lets garbage pile up in the old generation until the heap has grown to a
 * multiple of what survived the last full collection; on a 10 MB rule file
 * that is hundreds of MB of dead syntax trees and output pieces (issue 16:
 * peak RSS 480 MB of which under 200 MB alive). mtc asks for a full
 * collection at the points where much has just died (between slices of a
 * after the syntax trees are dropped, between outputs), and only when the
 * heap is large or has grown by more than `slack` since the last one, so small
 * inputs never pay for it. A full collection of a 150 MB heap takes about
 * 0.1 s; a 10 MB build makes a few dozen.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let gcFn: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (gcFn === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFn = vm.runInNewContext('gc') as () => void;
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
  if (v8.getHeapStatistics().used_heap_size - floor >= slack) collect();
}

/** A full collection now, when the heap holds more than `slack` bytes (so never for small inputs). */
export function collectIfLarge(slack = GC_SLACK_BYTES): void {
  if (v8.getHeapStatistics().used_heap_size >= slack) collect();
}

function collect(): void {
  const gc = collector();
  if (!gc) return;
  gc();
  floor = v8.getHeapStatistics().used_heap_size;
}
