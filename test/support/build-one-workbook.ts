/**
 * A process that builds one workbook in a workbook thread and prints its size, then has nothing
 * left to do: it must exit by itself (test/unit/workbook-threads.test.ts runs it under tsx, as the
 * API runs).
 */
import { allocationsXlsx } from '../../core/export-xlsx.js';
import { allocations } from './finance-fixture.js';

console.log((await allocationsXlsx(allocations)).byteLength);
