/**
 * Escaping of rule-file text (reasons, references, names from untrusted pull
 * requests) for the HTML and Markdown that mtc writes: docs, simulation
 * matrices and review comments all use these, so no page can be made to run
 * script or show different text than the rules hold.
 */

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

/** `U+202E`-style notation for a code point. */
export function codePointTag(cp: number): string {
  return `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`;
}
