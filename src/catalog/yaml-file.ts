import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node as YNode } from 'yaml';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { SourceFile, type Span } from '../diagnostics/source.js';
import { catalogCodes } from './codes.js';
import { ReadError, readRegularText } from '../util/read-file.js';

/**
 * Reading untrusted YAML data files (catalogs, kernel history, profiles)
 * within bounded time and memory: bounded while reading, aliases
 * limited, prototype keys refused, schema errors located at the YAML node.
 */

export const DEFAULT_MAX_CATALOG_BYTES = 16 * 1024 * 1024;
export const MAX_ALIASES = 100;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The subset of an ajv validate function (standalone code) we use. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: readonly AjvError[] | null;
}
export interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

export interface YamlRead {
  readonly source: SourceFile | undefined;
  readonly doc: Document.Parsed | undefined;
  readonly value: unknown;
  readonly diagnostics: Diagnostic[];
}

function diag(code: keyof typeof catalogCodes, file: string, message: string, span?: Span, help?: string, label?: string): Diagnostic {
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, severity: catalogCodes[code].severity, message, file };
  if (span) d.span = span;
  if (help) d.help = help;
  if (label) d.label = label;
  return d;
}

/**
 * Reads a file's text with the shared bounded reader (src/util/read-file.ts):
 * only a regular file, at most `maxBytes` read, strict UTF-8.
 */
export function readTextBounded(path: string, maxBytes: number, display = path): { text?: string; diagnostics: Diagnostic[] } {
  try {
    return { text: readRegularText(path, { maxBytes, display }), diagnostics: [] };
  } catch (e) {
    if (!(e instanceof ReadError)) throw e;
    switch (e.kind) {
      case 'too-large':
        return { diagnostics: [diag('MTC2101', display, `\`${display}\` is larger than the limit of ${maxBytes} bytes`, undefined, 'split the file or raise the limit')] };
      case 'not-regular':
        return { diagnostics: [diag('MTC2102', display, `\`${display}\` is not a regular file (${e.detail})`)] };
      case 'not-utf8':
        return { diagnostics: [diag('MTC2102', display, `\`${display}\` is not valid UTF-8`)] };
      default:
        return { diagnostics: [diag('MTC2102', display, `cannot read \`${display}\`: ${e.detail}`)] };
    }
  }
}

/** Parses YAML text into a plain value, with every check but the schema. */
export function parseYamlText(text: string, display: string): YamlRead {
  const source = new SourceFile(display, text);
  const diagnostics: Diagnostic[] = [];
  const lc = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true, version: '1.2' });
  } catch (e) {
    diagnostics.push(diag('MTC2103', display, `cannot parse YAML: ${(e as Error).message}`));
    return { source, doc: undefined, value: undefined, diagnostics };
  }
  for (const err of doc.errors) {
    const [a, b] = err.pos;
    diagnostics.push(diag('MTC2103', display, firstLine(err.message), source.span(a, Math.max(b, a + 1)), undefined, err.code.toLowerCase().replace(/_/g, ' ')));
  }
  if (diagnostics.length) return { source, doc, value: undefined, diagnostics };

  // Refuse prototype keys before building any object, and count aliases.
  let aliases = 0;
  visit(doc, {
    Pair(_k, pair) {
      const key = pair.key;
      if (isScalar(key) && typeof key.value === 'string' && UNSAFE_KEYS.has(key.value)) {
        const r = key.range ?? [0, 0, 0];
        diagnostics.push(diag('MTC2104', display, `key \`${key.value}\` is not allowed`, source.span(r[0], r[1]), 'remove the key'));
      }
    },
    Alias(_k, node) {
      aliases++;
      if (aliases === MAX_ALIASES + 1) {
        const r = node.range ?? [0, 0, 0];
        diagnostics.push(diag('MTC2105', display, `more than ${MAX_ALIASES} YAML aliases`, source.span(r[0], r[1]), 'write the data out without anchors and aliases'));
      }
    },
  });
  if (diagnostics.length) return { source, doc, value: undefined, diagnostics };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    diagnostics.push(diag('MTC2105', display, `YAML aliases expand too much: ${firstLine((e as Error).message)}`, undefined, 'write the data out without anchors and aliases'));
    return { source, doc, value: undefined, diagnostics };
  }
  return { source, doc, value, diagnostics };
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/[.:]\s*$/, '');
}

/** Reads and parses a YAML file (size-bounded). */
export function readYamlFile(path: string, maxBytes: number, display = path): YamlRead {
  const t = readTextBounded(path, maxBytes, display);
  if (t.text === undefined) return { source: undefined, doc: undefined, value: undefined, diagnostics: t.diagnostics };
  return parseYamlText(t.text, display);
}

/** The YAML node at a JSON pointer (ajv instancePath), or its nearest existing ancestor. */
export function nodeAtPointer(doc: Document.Parsed, pointer: string): { node: YNode | undefined; keyNode: YNode | undefined } {
  const parts = pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc.contents;
  let keyNode: YNode | undefined;
  for (const p of parts) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === p);
      if (!pair) break;
      keyNode = pair.key as YNode;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(p)];
      if (item === undefined) break;
      keyNode = undefined;
      node = item;
    } else break;
  }
  return { node: node as YNode | undefined, keyNode };
}

function nodeSpan(source: SourceFile, n: YNode | undefined): Span | undefined {
  const r = n?.range;
  if (!r) return undefined;
  return source.span(r[0], Math.max(r[1], r[0] + 1));
}

/** Runs a compiled schema validator; each error is located at its YAML node. */
export function schemaDiagnostics(read: YamlRead, validate: CompiledValidator, what: string): Diagnostic[] {
  if (!read.doc || !read.source) return [];
  if (validate(read.value)) return [];
  const out: Diagnostic[] = [];
  for (const e of validate.errors ?? []) {
    const { node, keyNode } = nodeAtPointer(read.doc, e.instancePath);
    let span = nodeSpan(read.source, node);
    let message = `${what}: ${e.instancePath || '/'} ${e.message ?? e.keyword}`;
    if (e.keyword === 'additionalProperties') {
      const extra = String(e.params.additionalProperty);
      if (isMap(node)) {
        const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === extra);
        span = nodeSpan(read.source, pair?.key as YNode | undefined) ?? span;
      }
      message = `${what}: unknown key \`${extra}\` in ${e.instancePath || 'the top level'}`;
    } else if (e.keyword === 'required') {
      message = `${what}: ${e.instancePath || 'the top level'} is missing \`${String(e.params.missingProperty)}\``;
      if (keyNode) span = nodeSpan(read.source, keyNode) ?? span;
    } else if (e.keyword === 'enum') {
      message = `${what}: ${e.instancePath} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    }
    out.push(diag('MTC2106', read.source.path, message, span));
  }
  return out;
}
