/**
 * The manifest of a build (`OUT/.mtc-manifest`): the files the build owns
 * in its output directory and may replace or remove, one relative path a line.
 */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile } from '../diagnostics/source.js';
import { VERSION } from '../version.js';
import { GENERATED_MARKER } from './c.js';
import { confined, isOwnablePath, MANIFEST, OutDirError, readConfined } from './out-dir.js';
import { join } from 'node:path';

export function fromError(e: OutDirError): Diagnostic {
  return { code: e.code, severity: 'error', message: e.message, help: e.help, ...(e.file !== undefined ? { file: e.file } : {}) };
}

export function manifestText(paths: readonly string[]): string {
  return `# ${GENERATED_MARKER} ${VERSION}: the files this build owns in this directory.\n` + paths.map((p) => p + '\n').join('');
}

/** The entries of a manifest that name paths mtc may own (see readManifest for the checked form). */
export function parseManifest(text: string): string[] {
  return manifestEntries(text)
    .filter((e) => e.ok)
    .map((e) => e.path);
}

interface ManifestEntry {
  readonly path: string;
  readonly ok: boolean;
  /** Offsets of the line in the manifest text. */
  readonly start: number;
  readonly end: number;
}

function manifestEntries(text: string): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  let offset = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const start = offset + raw.indexOf(line.charAt(0));
    offset += raw.length + 1;
    if (!line || line.startsWith('#')) continue;
    out.push({ path: line, ok: isOwnablePath(line), start, end: start + line.length });
  }
  return out;
}

/** Largest manifest read. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * The manifest of the previous build: the paths it owns. An entry that is not
 * a plain relative path, or that names a directory, is an MTC3025 error at
 * its line (mtc never writes such a manifest).
 */
export function readManifest(root: string, shown: string): { owned: string[]; diagnostics: Diagnostic[] } {
  const r = readConfined(root, MANIFEST, shown, MAX_MANIFEST_BYTES);
  const file = join(shown, MANIFEST);
  if (r.tooLarge)
    return { owned: [], diagnostics: [{ code: 'MTC3025', severity: 'error', message: `${file} is larger than ${MAX_MANIFEST_BYTES} bytes; mtc never writes such a manifest`, file, help: 'remove the file; the next build writes a new one (files it listed are then left in place)' }] };
  if (r.text === undefined) return { owned: [], diagnostics: [] };
  const src = new SourceFile(file, r.text);
  const owned: string[] = [];
  const diagnostics: Diagnostic[] = [];
  const bad = (e: ManifestEntry, why: string) =>
    diagnostics.push({
      code: 'MTC3025',
      severity: 'error',
      message: `${file} lists ${why}`,
      file,
      span: src.span(e.start, e.end),
      label: 'not a file mtc writes',
      help: 'mtc only lists plain relative paths of the files it generated; remove the line (or the file, to start afresh)',
    });
  for (const e of manifestEntries(r.text)) {
    if (!e.ok) {
      bad(e, 'a path mtc never writes (absolute, `..`, a hidden name or unusual characters)');
      continue;
    }
    let c;
    try {
      c = confined(root, e.path, shown);
    } catch (x) {
      if (!(x instanceof OutDirError)) throw x;
      diagnostics.push({ ...fromError(x), file, span: src.span(e.start, e.end) });
      continue;
    }
    if (c.isDir) {
      bad(e, `\`${e.path}\`, which is a directory, not a file mtc wrote`);
      continue;
    }
    owned.push(e.path);
  }
  return { owned, diagnostics };
}

