/**
 * The pages of the web application, for the frame (web/app.ts) to mount: the style sheet, the
 * front page, the cycle page, the public pages with their files, the accessibility statement,
 * and the page for a person with no role.
 */
import { Hono } from 'hono';
import { assetRoutes } from '../assets/index.js';
import type { WebContext } from '../core.js';
import type { WebEnv } from '../env.js';
import { accessibilityPage } from './accessibility.js';
import { adoptionPages } from './adoption.js';
import { allocationPages } from './allocations.js';
import { adminPages } from './admin-pages.js';
import { cyclePage } from './cycle.js';
import { executionPages } from './execution-routes.js';
import { homePage } from './home.js';
import { measureFormPages } from './measure-form.js';
import { myMeasuresPage } from './measure-mine.js';
import { measureWithdrawPages } from './measure-withdraw.js';
import { noRolePage } from './no-role.js';
import { publicCyclePage } from './public-cycle.js';
import { publicIndexPage } from './public-index.js';
import { publicPartnershipPage } from './public-partnership.js';
import { votePages } from './vote.js';
import { priorityListPages } from './priority-list.js';
import { recommendationPage } from './recommendation.js';

export function pageRoutes(ctx: WebContext): Hono<WebEnv> {
  const web = new Hono<WebEnv>();
  assetRoutes(web);
  homePage(web, ctx);
  // The administrator's pages (issue 10, admin); /sykluser/ny before /sykluser/:cid.
  adminPages(web, ctx);
  cyclePage(web, ctx);
  // The actions (issue 10): proposer, IPR vote, clerk.
  myMeasuresPage(web, ctx);
  measureFormPages(web, ctx);
  measureWithdrawPages(web, ctx);
  votePages(web, ctx);
  // ipr: the recommendation and the priority-list editor (issue 10).
  recommendationPage(web, ctx);
  priorityListPages(web, ctx);
  adoptionPages(web, ctx);
  executionPages(web, ctx); // execution: progress, money spent, indicators
  allocationPages(web, ctx); // finance: /sykluser/{cid}/fordeling, .csv, .xlsx
  publicIndexPage(web, ctx);
  publicPartnershipPage(web, ctx);
  publicCyclePage(web, ctx);
  accessibilityPage(web);
  noRolePage(web);
  return web;
}
