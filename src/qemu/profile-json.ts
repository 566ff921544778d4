import type { QemuProfile } from './profile.js';

/** A profile as the built-in files store it: JSON, two-space indent, a final newline (keys in the reader's order). */
export function profileJson(p: QemuProfile): string {
  return JSON.stringify(p, null, 2) + '\n';
}
