/**
 * Documentation: a Markdown page per machine family (out/docs/<family>.md)
 * and one self-contained HTML page (out/docs/index.html). Each rule is
 * documented once, on the machine type that writes it (docs-model.ts); the
 * writers are docs-md.ts and docs-html.ts.
 *
 * The docs are made one family at a time, when asked (docsStream): a caller
 * that writes each piece to disk as it comes holds one family's text at a time.
 */
import type { MachineType, Model } from '../resolve/model.js';
import type { BuildPlan } from './plan.js';
import { FamilyDocBuilder, docsContext } from './docs-model.js';
import { familyMarkdown } from './docs-md.js';
import { htmlFamily, htmlHead, htmlTail } from './docs-html.js';

export interface DocsStream {
  /** Families in output order (as today). */
  readonly families: readonly string[];
  /** The Markdown of one family (small: one family's text). */
  markdown(family: string): string;
  /** The whole index.html, written in pieces (at most one family's section per call), in order. */
  writeHtml(write: (chunk: string) => void): void;
}

export function docsStream(model: Model, plan: BuildPlan): DocsStream {
  // Only the grouping of machine types by family is made up front; each family's docs when asked.
  const byFamily = new Map<string, MachineType[]>();
  for (const m of model.machines) {
    let list = byFamily.get(m.family);
    if (!list) byFamily.set(m.family, (list = []));
    list.push(m);
  }
  const families = [...byFamily.keys()];
  const builder = new FamilyDocBuilder(docsContext(model.machines, model.compatSets, plan));
  const doc = (family: string) => {
    const machines = byFamily.get(family);
    if (!machines) throw new Error(`no machine family ${family}`);
    return builder.family(family, machines);
  };
  return {
    families,
    markdown: (family) => familyMarkdown(doc(family)),
    writeHtml(write) {
      write(htmlHead(families));
      for (const f of families) write(htmlFamily(doc(f)));
      write(htmlTail());
    },
  };
}

/** Every family's Markdown and the HTML page, in memory (a thin wrapper over docsStream). */
export function emitDocs(model: Model, plan: BuildPlan): { markdown: Map<string, string>; html: string } {
  const stream = docsStream(model, plan);
  const markdown = new Map<string, string>();
  for (const f of stream.families) markdown.set(f, stream.markdown(f));
  const chunks: string[] = [];
  stream.writeHtml((c) => chunks.push(c));
  return { markdown, html: chunks.join('') };
}
