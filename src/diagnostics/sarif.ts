/**
 * SARIF 2.1.0 for diagnostics: one run, stable rule ids, repository-relative
 * URIs, regions with 1-based lines and columns in UTF-16 code units, end
 * column exclusive (SARIF §3.30.7: endColumn is the column after the last
 * character, which is what mtc's end-exclusive spans give). `mtc diff`
 * renders its findings through `sarifLog`.
 *
 * May import: ./diagnostic, ./registry (rule descriptors), src/version.
 */
import type { Diagnostic } from './diagnostic.js';
import { codeInfo } from './registry.js';
import { prefixedPath } from './diagnostic.js';
import { VERSION } from '../version.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/mtc-project/mtc';


export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

export interface SarifRegion {
  readonly startLine: number;
  readonly startColumn?: number;
  readonly endLine?: number;
  /** Exclusive, like mtc's spans. */
  readonly endColumn?: number;
}

export interface SarifResultInput {
  readonly ruleId: string;
  readonly level: SarifLevel;
  readonly message: string;
  readonly file?: string;
  readonly region?: SarifRegion;
  /** Waived findings: an accepted external suppression with the reason. */
  readonly suppression?: { readonly justification: string };
  /** Extra data (machine type, subject...). */
  readonly properties?: Readonly<Record<string, unknown>>;
  /** Stable identity for result matching across runs. */
  readonly fingerprint?: string;
}

/** A repository-relative path as a URI reference: each segment percent-encoded. */
export function pathToUri(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

function ruleDescriptor(code: string) {
  const info = codeInfo(code);
  const level: SarifLevel = info ? (info.severity === 'note' ? 'note' : info.severity) : 'warning';
  return {
    id: code,
    ...(info ? { name: info.name } : {}),
    shortDescription: { text: info?.summary ?? code },
    ...(info ? { fullDescription: { text: info.docs } } : {}),
    helpUri: `${INFORMATION_URI}/blob/main/docs/${code.startsWith('MTC50') ? 'breaking-rules' : 'diagnostics'}.md#${code.toLowerCase()}`,
    defaultConfiguration: { level },
  };
}

/** A complete SARIF 2.1.0 log (pretty-printed JSON text with a final newline). */
export function sarifLog(results: readonly SarifResultInput[], extraRules: readonly string[] = [], runProperties?: Readonly<Record<string, unknown>>): string {
  const ruleIds = [...new Set([...extraRules, ...results.map((r) => r.ruleId)])].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const run = {
    tool: {
      driver: {
        name: 'mtc',
        version: VERSION,
        semanticVersion: VERSION,
        informationUri: INFORMATION_URI,
        rules: ruleIds.map(ruleDescriptor),
      },
    },
    columnKind: 'utf16CodeUnits',
    results: results.map((r) => ({
      ruleId: r.ruleId,
      ruleIndex: ruleIndex.get(r.ruleId)!,
      level: r.level,
      message: { text: r.message },
      ...(r.file !== undefined
        ? {
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: pathToUri(r.file), uriBaseId: '%SRCROOT%' },
                  ...(r.region ? { region: cleanRegion(r.region) } : {}),
                },
              },
            ],
          }
        : {}),
      ...(r.fingerprint ? { partialFingerprints: { 'mtcFinding/v1': r.fingerprint } } : {}),
      ...(r.suppression ? { suppressions: [{ kind: 'external', status: 'accepted', justification: r.suppression.justification }] } : {}),
      ...(r.properties ? { properties: r.properties } : {}),
    })),
    ...(runProperties ? { properties: runProperties } : {}),
  };
  const log = { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
  return JSON.stringify(log, null, 2) + '\n';
}

function cleanRegion(r: SarifRegion): SarifRegion {
  const out: { -readonly [K in keyof SarifRegion]: SarifRegion[K] } = { startLine: r.startLine };
  if (r.startColumn !== undefined) out.startColumn = r.startColumn;
  if (r.endLine !== undefined) out.endLine = r.endLine;
  if (r.endColumn !== undefined) out.endColumn = r.endColumn;
  return out;
}

/** `mtc check --format sarif`. */
export function diagnosticsToSarif(diags: readonly Diagnostic[], opts: { prefix?: string } = {}): string {
  return sarifLog(
    diags.map((d) => ({
      ruleId: d.code,
      level: d.severity === 'note' ? 'note' : d.severity,
      message: d.help ? `${d.message}. Help: ${d.help}` : d.message,
      ...(d.file !== undefined ? { file: prefixedPath(opts.prefix, d.file) } : {}),
      ...(d.span
        ? { region: { startLine: d.span.start.line, startColumn: d.span.start.column, endLine: d.span.end.line, endColumn: d.span.end.column } }
        : d.file !== undefined
          ? { region: { startLine: 1 } }
          : {}),
    })),
  );
}
