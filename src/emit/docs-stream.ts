/**
 * Temporary adapter: the docs as a stream (families, one Markdown file at a
 * time, index.html in pieces) over emitDocs, until docs.ts makes them per family.
 */
import type { Model } from '../resolve/model.js';
import type { BuildPlan } from './plan.js';
import { emitDocs } from './docs.js';

export interface DocsStream {
  readonly families: readonly string[];
  markdown(family: string): string;
  writeHtml(write: (chunk: string) => void): void;
}

export function docsStream(model: Model, plan: BuildPlan): DocsStream {
  const docs = emitDocs(model, plan);
  return { families: [...docs.markdown.keys()], markdown: (f) => docs.markdown.get(f)!, writeHtml: (w) => w(docs.html) };
}
