import type { AstPath, Doc, ParserOptions, Printer } from 'prettier';
import { doc as docs } from 'prettier';
import type * as A from '../syntax/ast.js';
import { formatNumber, type NumberStyle } from './numbers.js';
import { attributeRank } from './normalize.js';
import { handleComments, isIgnoreComment, locEnd, locStart, type AttachingComment } from './comments.js';
import { separateLineComments } from './separate-comments.js';

const { align, group, indent, join, line, hardline, lineSuffix } = docs.builders;

type Node = A.AnyNode;
type Path = AstPath<Node>;
type Print = (selector?: string | number | Array<string | number> | AstPath<Node>, args?: unknown) => Doc;
type Options = ParserOptions<Node>;

const statementKinds = new Set(['Include', 'Target', 'Machine', 'CompatSet', 'Hide', 'Tolerate', 'SetProperty', 'Use', 'Allow', 'Requires']);

/** Child keys of each node kind, in source order. */
const visitorKeys: Record<string, readonly string[]> = {
  File: ['statements'],
  Include: ['path'],
  Target: ['name'],
  Machine: ['name', 'inherits', 'body'],
  CompatSet: ['name', 'body'],
  Use: ['name', 'attributes'],
  Hide: ['registers', 'range', 'attributes'],
  Tolerate: ['registers', 'test', 'range', 'attributes'],
  SetProperty: ['target', 'value', 'optional', 'range', 'attributes'],
  Allow: ['midr', 'revidr', 'aidr', 'range', 'attributes'],
  Requires: ['version', 'attributes'],
  KernelRange: ['from', 'to'],
  ValueTest: ['mask', 'value'],
  Attribute: ['name', 'values'],
  RegisterName: ['expectedId'],
  RegisterId: ['literal'],
  RegisterTuple: ['fields'],
};

/** True when the line after `offset` (skipping the rest of this line and its comment) is blank. */
export function isNextLineEmpty(text: string, offset: number): boolean {
  let i = offset;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] === '/' && text[i + 1] === '/') while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
  else if (text[i] === '\n' || text[i] === '\r') i++;
  else return false;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return text[i] === '\n' || text[i] === '\r';
}

/** True when the line before the one holding `offset` is blank. */
export function isPreviousLineEmpty(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  if (text[i] !== '\n' && text[i] !== '\r') return false;
  if (text[i] === '\n' && text[i - 1] === '\r') i--;
  i--;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t')) i--;
  return i < 0 ? false : text[i] === '\n' || text[i] === '\r';
}

function commentsOf(node: Node): AttachingComment[] {
  return ((node as { comments?: AttachingComment[] }).comments ?? []);
}

function printCommentText(c: A.Comment): string {
  return ('//' + c.text).trimEnd();
}

/** Dangling comments with a marker, printed by this printer (not by Prettier's comment pass). */
function dangling(node: Node, marker: string | undefined): AttachingComment[] {
  return commentsOf(node).filter((c) => !c.leading && !c.trailing && (marker === undefined || c.marker === marker));
}

function printDangling(comments: AttachingComment[], text: string): Doc[] {
  const parts: Doc[] = [];
  comments.forEach((c, i) => {
    c.printed = true;
    parts.push(printCommentText(c));
    if (i < comments.length - 1) parts.push(isNextLineEmpty(text, locEnd(c)) ? [hardline, hardline] : hardline);
  });
  return parts;
}

/** A statement list (file or machine body): one per line, blank lines kept (at most one), machines set apart. */
function printStatements(path: Path, options: Options, print: Print, key: 'statements' | 'body'): Doc[] {
  const parent = path.node as A.File | A.Machine | A.CompatSet;
  const list = (key === 'statements' ? (parent as A.File).statements : (parent as A.Machine | A.CompatSet).body) as readonly Node[];
  const parts: Doc[] = [];
  path.each((p, i) => {
    const node = p.node as unknown as Node;
    parts.push(print());
    if (i < list.length - 1) {
      parts.push(hardline);
      const next: Node = list[i + 1]!;
      if (key === 'statements' && separatedMachines(node, next)) parts.push(hardline);
      else if (isNextLineEmpty(options.originalText, locEnd(node))) parts.push(hardline);
    }
  }, key);
  return parts;
}

/** A blank line always sets a machine type apart, except between two bodyless ones (`machine virt-9.2;`). */
function separatedMachines(a: Node, b: Node): boolean {
  const body = (n: Node) => (n.kind === 'Machine' && !n.bodyless) || n.kind === 'CompatSet';
  const block = (n: Node) => n.kind === 'Machine' || n.kind === 'CompatSet';
  return body(a) || body(b) || block(a) !== block(b);
}

/**
 * Column, relative to the statement, at which a string's first piece starts,
 * when it is easy to know: continuation pieces are aligned under it.
 */
function stringColumn(path: Path): number | undefined {
  const parent = path.parent as Node | null;
  if (!parent) return undefined;
  switch (parent.kind) {
    case 'Attribute':
      return path.key === 'values' && path.index === 0 ? parent.name.name.length + 1 : undefined;
    case 'Include':
      return 'include '.length;
    case 'SetProperty':
      return parent.target ? `set ${parent.target.name} = `.length : undefined;
    default:
      return undefined;
  }
}

/**
 * ` {` block of a machine or a rule. A comment that followed `{` on its line
 * stays there; it is a line suffix like every other end-of-line comment, so
 * that separateLineComments can keep it apart from another one.
 */
function printBlock(node: Node, items: Doc[], text: string): Doc {
  const open = dangling(node, 'open');
  const body = dangling(node, 'body');
  const inner: Doc[] = [...items];
  if (body.length) {
    const blankBefore = items.length > 0 && isPreviousLineEmpty(text, locStart(body[0]!));
    inner.push([blankBefore ? hardline : '', printDangling(body, text)]);
  }
  const openDoc = open.map((c) => {
    c.printed = true;
    return lineSuffix([' ', printCommentText(c)]);
  });
  return [' {', indent([openDoc, inner.length ? [hardline, join(hardline, inner)] : '']), hardline, '}'];
}

type RuleNode = A.Hide | A.Tolerate | A.SetProperty | A.Allow | A.Requires | A.Use;

/** `;`, or the attribute block in canonical order: reason, refs in source order, the others. */
function printTail(path: Path, options: Options, print: Print): Doc {
  const node = path.node as RuleNode;
  if (node.attributes.length === 0 && dangling(node, 'open').length === 0 && dangling(node, 'body').length === 0)
    return ';';
  const printed = path.map((p) => ({ node: p.node as A.Attribute, doc: print() }), 'attributes');
  const ordered = printed
    .map((x, i) => ({ ...x, i }))
    .sort((a, b) => attributeRank(a.node) - attributeRank(b.node) || a.i - b.i)
    .map((x) => x.doc);
  return printBlock(node, ordered, options.originalText);
}

/** `hide`/`tolerate`: the register list stays on one line when it fits, else one register per line. */
function printRegisterRule(keyword: string, path: Path, options: Options, print: Print, clauses: Doc[]): Doc {
  const regs = path.map(() => print(), 'registers');
  return [
    group([keyword, indent([line, join([',', line], regs)]), clauses.map((c) => [line, c])]),
    printTail(path, options, print),
  ];
}

function numberStyle(path: Path): NumberStyle {
  const parent = path.parent as Node | null;
  const key = path.key;
  if (!parent) return 'verbatim';
  switch (parent.kind) {
    case 'RegisterName':
    case 'RegisterId':
      return 'id';
    case 'ValueTest':
      return key === 'mask' ? 'hex' : 'keep-radix';
    case 'Allow':
      return key === 'midr' ? 'hex' : 'keep-radix';
    case 'RegisterTuple':
      return 'decimal';
    default:
      return 'verbatim';
  }
}

function printKernelRange(path: Path, print: Print): Doc {
  const r = path.node as A.KernelRange;
  const { from, to } = r;
  if (from && !to) return ['since ', print('from')];
  if (!from && to) return ['kernel ..', print('to')];
  if (from && to) {
    const sameNode = locStart(from) === locStart(to);
    // `kernel 6.5..6.5` is `kernel 6.5` (unless a comment is attached to the second one).
    if (sameNode || (from.text === to.text && commentsOf(to).length === 0)) return ['kernel ', print('from')];
    return ['kernel ', print('from'), '..', print('to')];
  }
  return '';
}

function genericPrint(path: Path, options: Options, print: Print): Doc {
  const node = path.node;
  const text = options.originalText;
  switch (node.kind) {
    case 'File': {
      const parts: Doc[] = [];
      if (node.statements.length) parts.push(printStatements(path, options, print, 'statements'));
      const rest = dangling(node, undefined);
      if (rest.length) {
        if (parts.length) parts.push(hardline);
        parts.push(printDangling(rest, text));
      }
      if (parts.length === 0) return '';
      return separateLineComments([parts, hardline]);
    }
    case 'Include':
      return ['include ', print('path'), ';'];
    case 'Target':
      return ['target ', print('name'), ';'];
    case 'Machine': {
      const head: Doc[] = ['machine ', print('name')];
      if (node.inherits) head.push(' inherits ', print('inherits'));
      if (node.bodyless) return [head, ';'];
      if (node.body.length === 0 && dangling(node, 'open').length === 0 && dangling(node, 'body').length === 0)
        return [head, ' {}'];
      const items = node.body.length ? [printStatements(path, options, print, 'body')] : [];
      return [head, printBlock(node, items, text)];
    }
    case 'Hide':
      return printRegisterRule('hide', path, options, print, node.range ? [print('range')] : []);
    case 'Tolerate': {
      const clauses: Doc[] = [];
      if (node.test) clauses.push(print('test'));
      if (node.range) clauses.push(print('range'));
      return printRegisterRule('tolerate', path, options, print, clauses);
    }
    case 'SetProperty': {
      const clauses = node.range ? [indent([line, print('range')])] : [];
      const optional = node.optional ? [' ', print('optional')] : [];
      return [group(['set ', print('target'), ' = ', print('value'), optional, clauses]), printTail(path, options, print)];
    }
    case 'CompatSet': {
      const head: Doc[] = ['compat ', print('name')];
      if (node.body.length === 0 && dangling(node, 'open').length === 0 && dangling(node, 'body').length === 0)
        return [head, ' {}'];
      const items = node.body.length ? [printStatements(path, options, print, 'body')] : [];
      return [head, printBlock(node, items, text)];
    }
    case 'Use':
      return ['use ', print('name'), printTail(path, options, print)];
    case 'Allow': {
      const more: Doc[] = [];
      if (node.revidr) more.push(indent([line, 'revidr ', print('revidr')]));
      if (node.aidr) more.push(indent([line, 'aidr ', print('aidr')]));
      if (node.range) more.push(indent([line, print('range')]));
      return [group(['allow cpu ', print('midr'), more]), printTail(path, options, print)];
    }
    case 'Requires':
      return ['requires kernel ', print('version'), printTail(path, options, print)];
    case 'KernelRange':
      return printKernelRange(path, print);
    case 'ValueTest':
      return ['when value & ', print('mask'), ' == ', print('value')];
    case 'Attribute':
      return [print('name'), path.map(() => [' ', print()], 'values'), ';'];
    case 'RegisterName':
      return node.expectedId ? [node.name, ' (', print('expectedId'), ')'] : node.name;
    case 'RegisterId':
      return print('literal');
    case 'RegisterTuple':
      return [node.space, '(', join(', ', path.map(() => print(), 'fields')), ')'];
    case 'Identifier':
      return node.name;
    case 'StringLiteral': {
      if (node.pieces === undefined) return options.originalText.slice(locStart(node), locEnd(node));
      if (node.pieces.length <= 1) return node.pieces[0] ?? '""';
      const col = stringColumn(path);
      const pieces = join(line, [...node.pieces]);
      return group(col === undefined ? indent(pieces) : align(col, pieces));
    }
    case 'NumberLiteral':
      return formatNumber(node, numberStyle(path));
    case 'Version':
      return node.text;
    case 'Comment':
      return printCommentText(node);
  }
}

export const printer: Printer<Node> = {
  print: genericPrint,
  printComment(path) {
    return printCommentText(path.node as A.Comment);
  },
  canAttachComment(node) {
    return typeof node === 'object' && node !== null && typeof node.kind === 'string' && node.kind !== 'Comment' && node.kind !== 'File';
  },
  isBlockComment() {
    return false;
  },
  getVisitorKeys(node) {
    return [...(visitorKeys[(node as Node).kind] ?? [])];
  },
  getCommentChildNodes(node) {
    // `kernel 6.15` gives `from` and `to` the same token: offer it once.
    if (node.kind === 'KernelRange' && node.from && node.to && locStart(node.from) === locStart(node.to)) return [node.from];
    return undefined;
  },
  handleComments,
  hasPrettierIgnore(path) {
    const node = path.node;
    // Only a comment written before the statement: one moved out of its head is not a directive.
    return (
      statementKinds.has(node.kind) &&
      commentsOf(node).some((c) => c.leading && isIgnoreComment(c) && locEnd(c) <= locStart(node))
    );
  },
};
