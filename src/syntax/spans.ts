import type { IToken } from 'chevrotain';

/**
 * Token positions. The lexer tracks only start offsets (the cheapest mode);
 * Chevrotain's own end offsets would be inclusive. This is the one place a
 * token's end is computed.
 */
export function tokenEnd(tok: IToken): number {
  return tok.startOffset + tok.image.length;
}

/** Whether a token has no place in the text (inserted by recovery, or the end of file). */
export function isVirtual(tok: IToken): boolean {
  return tok.isInsertedInRecovery === true || Number.isNaN(tok.startOffset);
}
