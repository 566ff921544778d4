import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * Writes a report file given with --out/--output: to a temporary file in the
 * same directory, then renamed over the target, so a reader never sees half a
 * report. Returns an MTC9002 diagnostic instead of throwing.
 */
export function writeOutputFile(path: string, text: string): Diagnostic | undefined {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, text);
    renameSync(tmp, path);
    return undefined;
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the directory itself is unusable; nothing was written
    }
    return {
      code: 'MTC9002',
      severity: 'error',
      message: `cannot write ${path}: ${(e as Error).message}`,
      help: 'check that the directory can be created and written',
    };
  }
}

/**
 * Like writeOutputFile, for output produced piece by piece (an iterable of
 * strings): written into a temporary file next to `path` as it comes, renamed
 * over `path` when complete. Memory does not grow with the output.
 */
export function writeOutputStream(path: string, chunks: Iterable<string>): Diagnostic | undefined {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(tmp, 'w');
    for (const c of chunks) writeSync(fd, c);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
    return undefined;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the directory itself is unusable; nothing was written
    }
    return {
      code: 'MTC9002',
      severity: 'error',
      message: `cannot write ${path}: ${(e as Error).message}`,
      help: 'check that the directory can be created and written',
    };
  }
}

/**
 * Writes chunks to a stream (standard output), waiting for it to drain when
 * its buffer is full, so memory stays bounded whatever the size of the output
 * and the speed of the reader. Returns `closed` when the reader went away
 * (EPIPE: `mtc simulate | head -1`), quietly.
 */
export async function pipeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<'done' | 'closed'> {
  let failure: NodeJS.ErrnoException | undefined;
  const onError = (e: NodeJS.ErrnoException) => {
    failure ??= e;
  };
  stream.on('error', onError);
  try {
    for (const c of chunks) {
      if (failure) break;
      if (!stream.write(c)) {
        if (failure) break;
        await new Promise<void>((resolve) => {
          const done = () => {
            stream.off('drain', done);
            stream.off('error', done);
            stream.off('close', done);
            resolve();
          };
          stream.once('drain', done);
          stream.once('error', done);
          stream.once('close', done);
        });
      }
    }
  } finally {
    stream.off('error', onError);
  }
  if (!failure) return 'done';
  if (failure.code === 'EPIPE' || failure.code === 'ERR_STREAM_DESTROYED') return 'closed';
  throw failure;
}
