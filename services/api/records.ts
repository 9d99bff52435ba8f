/** Kept for services/api/ui, which web/ replaces: record reads live in core/records.ts. */
export * from '../../core/records.js';
