/** The activities the worker registers: the record writes, bound to one Postgres pool. */
import type postgres from 'postgres';
import { createRecords } from './records.js';

export function createActivities(sql: postgres.Sql) {
  return createRecords(sql);
}
