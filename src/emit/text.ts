/**
 * Escaping of rule-file text for every output language. Text from a rule
 * file (reasons, references, names, property values) is untrusted: it must
 * not end a C comment or string, form a trigraph or a line splice, inject
 * Markdown or HTML, or smuggle bidi controls. Each function here maps any
 * string to a safe rendering; none of them throws.
 */
import { codePointTag } from '../util/escape.js';


/**
 * Text for inside a C block comment, on one line: printable ASCII only
 * (everything else as `<U+` hex digits `>`), no `*\/` or `/*`, no `??`, no backslash.
 * Newlines must be split off by the caller (see {@link commentLines}).
 */
export function cCommentText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x09) out += ' ';
    else if (cp >= 0x20 && cp <= 0x7e && cp !== 0x5c) out += ch;
    else out += codePointTag(cp);
  }
  // Break comment delimiters and trigraph starts; repeat until stable (`*/*/`, `???`).
  for (;;) {
    const next = out.replace(/\*\//g, '* /').replace(/\/\*/g, '/ *').replace(/\?\?/g, '? ?');
    if (next === out) return out;
    out = next;
  }
}

/**
 * Word-wraps untrusted text into comment lines of at most `width` columns
 * (the prefix, e.g. ` * `, included). Line breaks in the text start a new line.
 */
export function commentLines(text: string, prefix: string, width = 80): string[] {
  const room = Math.max(16, width - prefix.length);
  const lines: string[] = [];
  for (const para of text.split(/\r\n|\r|\n/)) {
    const words = cCommentText(para).split(' ').filter((w) => w.length > 0);
    let line = '';
    for (let w of words) {
      while (w.length > room) {
        if (line) {
          lines.push(line);
          line = '';
        }
        lines.push(w.slice(0, room));
        w = w.slice(room);
      }
      if (!line) line = w;
      else if (line.length + 1 + w.length <= room) line += ' ' + w;
      else {
        lines.push(line);
        line = w;
      }
    }
    if (line || lines.length === 0) lines.push(line);
  }
  return lines.map((l) => (prefix + l).replace(/\s+$/, ''));
}

/**
 * A C string literal body (without the quotes): printable ASCII as is,
 * `"` `\` and `?` escaped (no trigraph can form), everything else as
 * three-digit octal escapes of its UTF-8 bytes (octal, unlike hex, cannot
 * swallow a following digit).
 */
export function cStringBody(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x3f) out += '\\?';
    else if (byte >= 0x20 && byte <= 0x7e) out += String.fromCharCode(byte);
    else out += '\\' + byte.toString(8).padStart(3, '0');
  }
  return out;
}

export function cString(text: string): string {
  return `"${cStringBody(text)}"`;
}

/** Whether a string has a NUL or another C0/C1 control character. */
export function hasControl(text: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f]/.test(text);
}

