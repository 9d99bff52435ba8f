/** The administrator's pages (issue 10), mounted together from web/pages/index.ts. */
import type { Hono } from 'hono';
import type { WebContext } from '../core.js';
import type { WebEnv } from '../env.js';
import { cycleDeadlinePages } from './cycle-deadlines.js';
import { cycleStartPages } from './cycle-start.js';
import { cycleSteerPages } from './cycle-steer.js';
import { yearEndPages } from './year-end.js';

export function adminPages(web: Hono<WebEnv>, ctx: WebContext): void {
  cycleStartPages(web, ctx);
  cycleDeadlinePages(web, ctx);
  cycleSteerPages(web, ctx);
  yearEndPages(web, ctx);
}
