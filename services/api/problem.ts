/** Kept for services/api/ui, which web/ replaces: problems live in core/problem.ts. */
export * from '../../core/problem.js';
