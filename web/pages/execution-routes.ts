/**
 * The execution pages (issue 10), mounted together from web/pages/index.ts: the year's
 * progress and money spent, the progress report form, the indicators.
 */
import type { Hono } from 'hono';
import type { WebContext } from '../core.js';
import type { WebEnv } from '../env.js';
import { executionPage } from './execution.js';
import { indicatorPages } from './indicators.js';
import { progressReportPages } from './progress-report.js';

export function executionPages(web: Hono<WebEnv>, ctx: WebContext): void {
  executionPage(web, ctx);
  progressReportPages(web, ctx);
  indicatorPages(web, ctx);
}
