/** Resource limits for untrusted input. Every one can be changed from the command line. */
export interface Limits {
  /** Largest rule file read, in bytes. */
  readonly maxFileBytes: number;
  /** Most tokens lexed from one file. */
  readonly maxTokens: number;
  /** Deepest include chain. */
  readonly maxIncludeDepth: number;
  /** Most files one run reads through includes and directories. */
  readonly maxFiles: number;
  /**
   * Longest inheritance chain. Every machine type carries the merged rules of
   * its whole chain, so work and output grow with chain length times machine
   * types; QEMU's longest real families have a few dozen versions.
   */
  readonly maxChainLength: number;
}

export const defaultLimits: Limits = {
  maxFileBytes: 32 * 1024 * 1024,
  maxTokens: 4_000_000,
  maxIncludeDepth: 32,
  maxFiles: 10_000,
  maxChainLength: 128,
};
