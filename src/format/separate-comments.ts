import type { Doc } from 'prettier';
import { doc as docs } from 'prettier';

const { hardline } = docs.builders;

/**
 * Line comments are printed as line suffixes (Prettier moves them to the end
 * of the output line). Two of them flushed at the same line break would be
 * written on one line and read back as a single comment. This pass walks the
 * finished document in print order and, when a comment suffix may still be
 * pending (no certain line break since the last one), makes the next one start
 * on a line of its own. A soft line in a group that is not known to break
 * counts as "maybe a space", so the pass errs on the safe side.
 */
export function separateLineComments(doc: Doc): Doc {
  const state = { pending: false };
  return walk(doc, true, state);
}

interface State {
  pending: boolean;
}

type DocObject = Exclude<Doc, string | Doc[]>;

function isCommentSuffix(contents: Doc): boolean {
  let found = false;
  const visit = (d: Doc): void => {
    if (found) return;
    if (typeof d === 'string') {
      if (d.startsWith('//')) found = true;
    } else if (Array.isArray(d)) d.forEach(visit);
    else if ('contents' in d && d.contents !== undefined) visit(d.contents as Doc);
  };
  visit(contents);
  return found;
}

function startsWithHardline(contents: Doc): boolean {
  const first = Array.isArray(contents) ? contents[0] : contents;
  if (first === undefined) return false;
  if (Array.isArray(first)) return startsWithHardline(first);
  return typeof first === 'object' && first.type === 'line' && first.hard === true;
}

function walk(doc: Doc, broken: boolean, state: State): Doc {
  if (typeof doc === 'string') return doc;
  if (Array.isArray(doc)) return doc.map((d) => walk(d, broken, state));
  const d = doc as DocObject;
  switch (d.type) {
    case 'line':
      if (d.hard || broken) state.pending = false;
      return d;
    case 'line-suffix-boundary':
      state.pending = false;
      return d;
    case 'line-suffix': {
      if (!isCommentSuffix(d.contents)) return { ...d, contents: walk(d.contents, broken, { pending: false }) };
      let contents = d.contents;
      if (state.pending && !startsWithHardline(contents)) {
        const parts = Array.isArray(contents) ? contents : [contents];
        // Drop the leading " " Prettier puts before a trailing comment.
        const rest = parts[0] === ' ' ? parts.slice(1) : parts;
        contents = [hardline, ...rest];
      }
      state.pending = true;
      return { ...d, contents };
    }
    case 'group': {
      if (d.expandedStates) return d; // not produced by this printer
      // A group that holds a hard line or a broken group always prints broken.
      const contents = walk(d.contents, d.break === true || docs.utils.willBreak(d.contents), state);
      return { ...d, contents };
    }
    case 'fill':
      return { ...d, parts: d.parts.map((p) => walk(p, false, state)) };
    case 'if-break': {
      const start = state.pending;
      const b = { pending: start };
      const f = { pending: start };
      const breakContents = walk(d.breakContents, broken, b);
      const flatContents = walk(d.flatContents, false, f);
      state.pending = b.pending || f.pending;
      return { ...d, breakContents, flatContents };
    }
    case 'indent':
    case 'align':
    case 'indent-if-break':
    case 'label': {
      const c = (d as { contents: Doc }).contents;
      return { ...d, contents: walk(c, broken, state) } as Doc;
    }
    default:
      return d;
  }
}
