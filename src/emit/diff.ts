import { unifiedDiff as udiff } from '../util/udiff.js';

/**
 * A whole unified diff of one generated file, `--- a/PATH` / `+++ b/PATH`
 * (with a `diff --git` line when `git` is set, for `git apply`); empty when
 * the texts are equal. The diff algorithm is shared with `mtc diff`.
 */
export function unifiedDiff(path: string, oldText: string, newText: string, opts: { git?: boolean; context?: number } = {}): string {
  const body = udiff(oldText, newText, { fromLabel: `a/${path}`, toLabel: `b/${path}`, context: opts.context ?? 3 });
  if (body === '') return '';
  return (opts.git ? `diff --git a/${path} b/${path}\n` : '') + body;
}
