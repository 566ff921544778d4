import { util } from 'prettier';
import type * as A from '../syntax/ast.js';

/**
 * Where comments go. Prettier finds, for each comment, the smallest node that
 * encloses it and the nodes just before and after it; these handlers adjust
 * its default choice (trailing comment of the node before, leading comment of
 * the node after) in the places where that would move a comment out of a
 * block or into the middle of a construct that is printed on one line.
 */

/** A comment as Prettier decorates it while attaching. */
export interface AttachingComment extends A.Comment {
  enclosingNode?: A.AnyNode;
  precedingNode?: A.AnyNode;
  followingNode?: A.AnyNode;
  marker?: string;
  leading?: boolean;
  trailing?: boolean;
  printed?: boolean;
}

export const locStart = (node: { span: A.Node['span'] }): number => node.span.start.offset;
export const locEnd = (node: { span: A.Node['span'] }): number => node.span.end.offset;

/** Offset of the next character that is not blank and not inside a `//` comment, from `from`. */
export function nextSignificant(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else {
      return i;
    }
  }
  return i;
}

/** The nodes written before a rule's or machine type's `{` (its head). */
function headNodes(node: A.AnyNode): (A.Node | undefined)[] | undefined {
  switch (node.kind) {
    case 'Machine':
      return node.bodyless ? undefined : [node.name, node.inherits];
    case 'Hide':
      return [...node.registers, node.range];
    case 'Tolerate':
      return [...node.registers, node.range, node.test];
    case 'SetProperty':
      return [node.target, node.value, node.optional, node.range];
    case 'Allow':
      return [node.midr, node.revidr, node.aidr, node.range];
    case 'Requires':
      return [node.version];
    case 'CompatSet':
      return [node.name];
    case 'Use':
      return [node.name];
    default:
      return undefined;
  }
}

/** Offset of the `{` that opens a machine body or attribute block, if the node has one. */
export function blockOpenOffset(node: A.AnyNode, text: string): number | undefined {
  const head = headNodes(node);
  if (!head) return undefined;
  let end = locStart(node);
  for (const h of head) if (h && locEnd(h) > end) end = locEnd(h);
  const i = nextSignificant(text, end);
  return text[i] === '{' && i < locEnd(node) ? i : undefined;
}

type Statement = A.TopStatement | A.MachineStatement;
type Placement = 'ownLine' | 'endOfLine' | 'remaining';

const contains = (n: A.Node, o: number) => locStart(n) < o && o < locEnd(n);

/** The innermost statement (top-level statement or rule) whose text holds offset `o`. */
function statementAt(file: A.File, o: number): Statement | undefined {
  for (const st of file.statements) {
    if (!contains(st, o)) continue;
    if (st.kind === 'Machine' || st.kind === 'CompatSet') for (const r of st.body) if (contains(r, o)) return r;
    return st;
  }
  return undefined;
}

/** The head children of a statement in the order the printer writes them (canonical clause order). */
export function printedHead(st: Statement): A.Node[] {
  const list: (A.Node | undefined)[] = (() => {
    switch (st.kind) {
      case 'Include':
        return [st.path];
      case 'Target':
        return [st.name];
      case 'Machine':
        return [st.name, st.inherits];
      case 'Hide':
        return [...st.registers, st.range];
      case 'Tolerate':
        return [...st.registers, st.test, st.range];
      case 'SetProperty':
        return [st.target, st.value, st.optional, st.range];
      case 'Allow':
        return [st.midr, st.revidr, st.aidr, st.range];
      case 'Requires':
        return [st.version];
      case 'CompatSet':
        return [st.name];
      case 'Use':
        return [st.name];
    }
  })();
  return list.filter((n): n is A.Node => n !== undefined);
}

/**
 * Comments in a statement's head (before its `;` or `{`) are placed by where
 * they will be printed, not only by their neighbours in the source, because
 * the printer reorders clauses and joins lines: a comment may stay beside a
 * register of a list (the list is then printed one register per line), follow
 * a clause that is printed on its own line, follow the statement (`hide A; //
 * c`), follow its `{`, or move above the statement. Each choice is stable:
 * formatting the output again attaches the comment to the same place.
 */
function handleHead(st: Statement, comment: AttachingComment, text: string, placement: Placement): boolean {
  const o = locStart(comment);
  const printed = printedHead(st);
  const bySource = [...printed].sort((a, b) => locStart(a) - locStart(b));
  let prev: A.Node | undefined;
  let next: A.Node | undefined;
  for (const c of bySource) {
    if (contains(c, o) || locEnd(c) <= o) prev = c;
    else if (!next && locStart(c) >= locEnd(comment)) next = c;
  }
  const last = printed[printed.length - 1];
  // An end-of-line comment stays beside what precedes it, unless that already has one
  // (a comment from inside a `sysreg(...)`, say): then it goes on a line of its own.
  const endOfLine = placement !== 'ownLine';
  const registers: readonly A.Node[] = st.kind === 'Hide' || st.kind === 'Tolerate' ? st.registers : [];
  const isReg = (n: A.Node | undefined) => n !== undefined && registers.includes(n);
  if (!prev && isReg(next)) return util.addLeadingComment(next, comment);
  if (!prev) return util.addLeadingComment(st, comment);
  // The printer breaks no line between a machine's name and its `{`, nor between `set`'s
  // property and its value: a comment there ends up after the last of them.
  if (st.kind === 'Machine' || st.kind === 'CompatSet') prev = last;
  if (st.kind === 'SetProperty' && prev === st.target && st.value) prev = st.value;
  if (st.kind === 'SetProperty' && prev === st.value && st.optional) prev = st.optional;
  if (prev === last) return handleTail(st, comment, text, endOfLine);
  if (endOfLine && !hasTrailing(prev)) return util.addTrailingComment(prev, comment);
  if (next && (isReg(next) || next.kind === 'KernelRange' || next.kind === 'ValueTest')) return util.addLeadingComment(next, comment);
  return util.addLeadingComment(st, comment);
}

function hasTrailing(node: A.Node): boolean {
  return ((node as { comments?: AttachingComment[] }).comments ?? []).some((c) => c.trailing);
}

/** A comment after the last thing of a statement's head: after the `{`, after the statement, or above it. */
function handleTail(st: Statement, comment: AttachingComment, text: string, endOfLine: boolean): boolean {
  const open = blockOpenOffset(st, text);
  if (open === undefined)
    return endOfLine && !hasTrailing(st) ? util.addTrailingComment(st, comment) : util.addLeadingComment(st, comment);
  const hasOpen = ((st as { comments?: AttachingComment[] }).comments ?? []).some((c) => c.marker === 'open');
  if (endOfLine && !hasOpen) return util.addDanglingComment(st, comment, 'open');
  const first = st.kind === 'Machine' || st.kind === 'CompatSet' ? st.body[0] : 'attributes' in st ? st.attributes[0] : undefined;
  return first ? util.addLeadingComment(first, comment) : util.addDanglingComment(st, comment, 'body');
}

/**
 * A comment inside a machine body or an attribute block, not inside a rule of
 * the body. Attributes are reordered, so a comment after one is either beside
 * it (end of line) or leading the next one; after the last one in the source
 * it goes to the end of the block.
 */
function handleBlock(st: Statement, open: number, comment: AttachingComment, text: string, placement: Placement): boolean {
  const o = locStart(comment);
  const endOfLine = placement !== 'ownLine';
  let prev = comment.precedingNode;
  let next = comment.followingNode;
  if (st.kind !== 'Machine' && st.kind !== 'CompatSet' && 'attributes' in st) {
    const attr = st.attributes.find((a) => contains(a, o));
    if (attr) {
      prev = attr;
      next = st.attributes[st.attributes.indexOf(attr) + 1];
    }
  }
  if (prev && locEnd(prev) <= open) prev = undefined;
  if (next && locStart(next) <= open) next = undefined;
  if (!prev) {
    if (endOfLine && /^[ \t]*$/.test(text.slice(open + 1, o))) return util.addDanglingComment(st, comment, 'open');
    return next ? util.addLeadingComment(next, comment) : util.addDanglingComment(st, comment, 'body');
  }
  if (endOfLine && !hasTrailing(prev)) return util.addTrailingComment(prev, comment);
  return next ? util.addLeadingComment(next, comment) : util.addDanglingComment(st, comment, 'body');
}

function handle(comment: AttachingComment, text: string, ast: A.File, placement: Placement): boolean {
  const st = statementAt(ast, locStart(comment));
  if (!st) {
    // Between statements, before the first or after the last: Prettier's rules, except that
    // a second comment after a statement's end cannot share the line of the first.
    const prev = comment.precedingNode;
    if (placement !== 'ownLine' && prev && hasTrailing(prev) && comment.followingNode)
      return util.addLeadingComment(comment.followingNode, comment);
    return false;
  }
  const open = blockOpenOffset(st, text);
  if (open !== undefined && locStart(comment) > open) return handleBlock(st, open, comment, text, placement);
  return handleHead(st, comment, text, placement);
}

type Handler = (c: AttachingComment, text: string, options: unknown, ast: A.AnyNode) => boolean;
const handler =
  (placement: Placement): Handler =>
  (c, text, _options, ast) =>
    ast.kind === 'File' ? handle(c, text, ast, placement) : false;

export const handleComments = {
  ownLine: handler('ownLine'),
  endOfLine: handler('endOfLine'),
  remaining: handler('remaining'),
};

/** `// prettier-ignore` or `// mtc-fmt: ignore`. */
export function isIgnoreComment(c: A.Comment): boolean {
  return /^\s*(?:prettier-ignore|mtc-fmt:\s*ignore)\s*$/.test(c.text);
}
