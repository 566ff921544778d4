/** The review report in each output format of `mtc diff`. */
import { renderMarkdown } from './render-markdown.js';
import { renderGithub, renderJson, renderSarif } from './render-ci.js';
import { renderText } from './render-text.js';
import { renderGitlab } from './gitlab.js';
import type { DiffReport } from './report-types.js';

export const diffFormats = ['text', 'markdown', 'json', 'github', 'sarif', 'gitlab'] as const;
export type DiffFormat = (typeof diffFormats)[number];

export function renderReport(report: DiffReport, format: DiffFormat): string {
  switch (format) {
    case 'markdown':
      return renderMarkdown(report);
    case 'json':
      return renderJson(report);
    case 'github':
      return renderGithub(report);
    case 'sarif':
      return renderSarif(report);
    case 'gitlab':
      return renderGitlab(report);
    default:
      return renderText(report);
  }
}
