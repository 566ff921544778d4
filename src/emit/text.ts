/**
 * Escaping of rule-file text for every output language. Text from a rule
 * file (reasons, references, names, property values) is untrusted: it must
 * not end a C comment or string, form a trigraph or a line splice, inject
 * Markdown or HTML, or smuggle bidi controls. Each function here maps any
 * string to a safe rendering; none of them throws.
 */

/** `U+202E`-style notation for a code point. */
export function codePointTag(cp: number): string {
  return `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;
}

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

/** Bidi controls and other invisible format characters that can make text read differently than it parses. */
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** HTML text or attribute value. Also neutralises control and bidi characters. */
export function htmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => codePointTag(c.codePointAt(0)!))
    .replace(INVISIBLE, (c) => codePointTag(c.codePointAt(0)!))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Markdown inline text, safe inside a table cell: every ASCII punctuation
 * character that Markdown or GFM could read as syntax is backslash-escaped,
 * `<` `>` `&` become entities (no raw HTML), line breaks become spaces.
 */
export function mdEscape(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => codePointTag(c.codePointAt(0)!))
    .replace(INVISIBLE, (c) => codePointTag(c.codePointAt(0)!))
    .replace(/[\\`*_{}[\]()#!|~]/g, (c) => '\\' + c)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * A link target for docs: only http(s) URLs without whitespace, quotes or
 * angle brackets; parentheses and quotes percent-encoded so the URL cannot
 * end a Markdown link. Anything else gives undefined (rendered as text).
 */
export function safeUrl(url: string | undefined | null): string | undefined {
  if (!url || !/^https?:\/\/[^\s"<>\\`\u0000-\u001f\u007f-\uffff]+$/.test(url)) return undefined;
  return url.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/'/g, '%27');
}
