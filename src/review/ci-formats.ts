/**
 * CI output formats shared by `mtc check` (and every command that prints
 * diagnostics) and `mtc diff`:
 *
 * - GitHub Actions workflow commands (`::error file=…,line=…::message`), with
 *   the escaping of @actions/core (data: `%` `\r` `\n`; properties also `:`
 *   and `,`) and GitHub's per-step caps (10 errors, 10 warnings, 10 notices
 *   are shown; the rest is summarised by one overflow notice).
 * - SARIF 2.1.0, one run, stable rule ids, repository-relative URIs, regions
 *   with 1-based lines and columns in UTF-16 code units, end column exclusive
 *   (SARIF §3.30.7: endColumn is the column after the last character, which
 *   is what mtc's end-exclusive spans give).
 */
import type { CodeInfo } from '../diagnostics/codes.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { allCodes } from '../diagnostics/registry.js';
import { VERSION } from '../version.js';
import { reviewCodes } from './codes.js';

// ---------------------------------------------------------------- GitHub

/** Escapes the message of a workflow command. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value of a workflow command. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

export interface Annotation {
  readonly level: AnnotationLevel;
  readonly message: string;
  readonly title?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

/** GitHub shows at most this many annotations of each level per step. */
export const GITHUB_ANNOTATION_CAP = 10;

export function workflowCommand(a: Annotation): string {
  const props: string[] = [];
  if (a.file !== undefined) props.push(`file=${escapeProperty(a.file)}`);
  if (a.line !== undefined) props.push(`line=${a.line}`);
  // Columns only mean something on one line; GitHub ignores them otherwise.
  const oneLine = a.endLine === undefined || a.endLine === a.line;
  if (a.column !== undefined && oneLine) props.push(`col=${a.column}`);
  if (a.endLine !== undefined) props.push(`endLine=${a.endLine}`);
  if (a.endColumn !== undefined && oneLine && a.column !== undefined) props.push(`endColumn=${a.endColumn}`);
  if (a.title !== undefined) props.push(`title=${escapeProperty(a.title)}`);
  return `::${a.level}${props.length ? ' ' + props.join(',') : ''}::${escapeData(a.message)}`;
}

/**
 * Workflow commands for a list of annotations, most severe first, capped
 * per level; when any are dropped, the last notice says how many and where
 * to find them (so notices are capped one lower).
 */
export function githubAnnotations(items: readonly Annotation[], overflowHint: string): string {
  const byLevel: Record<AnnotationLevel, Annotation[]> = { error: [], warning: [], notice: [] };
  for (const a of items) byLevel[a.level].push(a);
  const dropped: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  const anyOverflow =
    byLevel.error.length > GITHUB_ANNOTATION_CAP || byLevel.warning.length > GITHUB_ANNOTATION_CAP || byLevel.notice.length > GITHUB_ANNOTATION_CAP - 1;
  const lines: string[] = [];
  for (const level of ['error', 'warning', 'notice'] as const) {
    const cap = level === 'notice' && anyOverflow ? GITHUB_ANNOTATION_CAP - 1 : GITHUB_ANNOTATION_CAP;
    const list = byLevel[level];
    for (const a of list.slice(0, cap)) lines.push(workflowCommand(a));
    dropped[level] = Math.max(0, list.length - cap);
  }
  if (anyOverflow && dropped.error + dropped.warning + dropped.notice > 0) {
    const parts = (['error', 'warning', 'notice'] as const).filter((l) => dropped[l] > 0).map((l) => `${dropped[l]} ${l}${dropped[l] === 1 ? '' : 's'}`);
    lines.push(
      workflowCommand({
        level: 'notice',
        title: 'mtc: more annotations than GitHub shows',
        message: `${parts.join(', ')} not shown as annotations (GitHub shows ${GITHUB_ANNOTATION_CAP} of each kind per step). ${overflowHint}`,
      }),
    );
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

function levelOf(severity: Diagnostic['severity']): AnnotationLevel {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'notice';
}

/** Paths of diagnostics are relative to the project root; `prefix` makes them repository-relative. */
function withPrefix(prefix: string | undefined, file: string): string {
  return prefix ? `${prefix.replace(/\/+$/, '')}/${file}` : file;
}

/** `mtc check --format github`. */
export function diagnosticsToGithub(diags: readonly Diagnostic[], opts: { prefix?: string } = {}): string {
  const sorted = [...diags].sort((a, b) => rank(a.severity) - rank(b.severity));
  return githubAnnotations(
    sorted.map((d) => {
      const msg = d.help ? `${d.message}\nhelp: ${d.help}` : d.message;
      const a: Annotation = {
        level: levelOf(d.severity),
        title: `${d.code}${codeName(d.code) ? ' ' + codeName(d.code) : ''}`,
        message: msg,
        ...(d.file !== undefined ? { file: withPrefix(opts.prefix, d.file) } : {}),
        ...(d.span
          ? { line: d.span.start.line, column: d.span.start.column, endLine: d.span.end.line, endColumn: d.span.end.column }
          : d.file !== undefined
            ? { line: 1 }
            : {}),
      };
      return a;
    }),
    'Run mtc check locally, or use --format human, for the full list.',
  );
}

function rank(s: Diagnostic['severity']): number {
  return s === 'error' ? 0 : s === 'warning' ? 1 : 2;
}

// ---------------------------------------------------------------- SARIF

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/mtc-project/mtc';

let codeIndex: Map<string, CodeInfo> | undefined;
/** Every known code (all tables, plus mtc diff's). */
export function codeInfo(code: string): CodeInfo | undefined {
  if (!codeIndex) {
    codeIndex = new Map();
    for (const c of allCodes()) codeIndex.set(c.code, c);
    for (const c of Object.values(reviewCodes) as CodeInfo[]) codeIndex.set(c.code, c);
  }
  return codeIndex.get(code);
}

function codeName(code: string): string | undefined {
  return codeInfo(code)?.name;
}

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
      ...(d.file !== undefined ? { file: withPrefix(opts.prefix, d.file) } : {}),
      ...(d.span
        ? { region: { startLine: d.span.start.line, startColumn: d.span.start.column, endLine: d.span.end.line, endColumn: d.span.end.column } }
        : d.file !== undefined
          ? { region: { startLine: 1 } }
          : {}),
    })),
  );
}
