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

/** Nodes printed as one unit on a line: a comment inside them goes after them. */
const compactKinds = new Set(['RegisterName', 'RegisterTuple', 'StringLiteral', 'ValueTest', 'KernelRange', 'Attribute']);

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
      return [node.target, node.value, node.range];
    case 'Allow':
      return [node.midr, node.revidr, node.aidr, node.range];
    case 'Requires':
      return [node.version];
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

function handle(comment: AttachingComment, text: string, placement: 'ownLine' | 'endOfLine' | 'remaining'): boolean {
  const enc = comment.enclosingNode;
  const prev = comment.precedingNode;
  const next = comment.followingNode;
  if (!enc) return false;
  if (compactKinds.has(enc.kind)) {
    util.addTrailingComment(enc, comment);
    return true;
  }
  const open = blockOpenOffset(enc, text);
  const start = locStart(comment);
  if (open === undefined || start < open) return false;
  // Inside the block; something in the block comes before it: the default is right.
  if (prev && locEnd(prev) > open) return false;
  if (placement === 'endOfLine' && /^[ \t]*$/.test(text.slice(open + 1, start))) {
    util.addDanglingComment(enc, comment, 'open');
    return true;
  }
  if (next) {
    util.addLeadingComment(next, comment);
    return true;
  }
  util.addDanglingComment(enc, comment, 'body');
  return true;
}

export const handleComments = {
  ownLine: (c: AttachingComment, text: string) => handle(c, text, 'ownLine'),
  endOfLine: (c: AttachingComment, text: string) => handle(c, text, 'endOfLine'),
  remaining: (c: AttachingComment, text: string) => handle(c, text, 'remaining'),
};

/** `// prettier-ignore` or `// mtc-fmt: ignore`. */
export function isIgnoreComment(c: A.Comment): boolean {
  return /^\s*(?:prettier-ignore|mtc-fmt:\s*ignore)\s*$/.test(c.text);
}
