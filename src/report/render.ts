import { renderHtml } from './render-html.js';
import { renderMarkdown, type RenderOptions } from './render-markdown.js';
import type { Report } from './model.js';

export const REPORT_FORMATS = ['md', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A report in one of its formats. JSON is the model itself (format `fieldbook-report/v1`). */
export function renderReport(report: Report, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'md':
      return renderMarkdown(report, options);
    case 'html':
      return renderHtml(report, options);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
  }
}
