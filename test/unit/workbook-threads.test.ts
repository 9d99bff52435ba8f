/**
 * The Excel workbooks are written in workbook threads (core/workbook-threads.ts): the same cells
 * as written on the event loop, the event loop free meanwhile, and a build that fails, a thread
 * that dies or a build that never ends answered with an error rather than a hang.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { allocationsXlsx, writeAllocationsXlsx } from '../../core/export-xlsx.js';
import { inWorkbookThread, workbookThreadStats } from '../../core/workbook-threads.js';
import { allocationWorkbook, allocationXlsx } from '../../web/allocation-export.js';
import { writeAllocationWorkbook } from '../../web/allocation-workbook.js';
import { bigView } from '../support/big-allocations.js';
import { dies, echoes, fails, heldUntilReleased, spins, WRITERS_MODULE } from '../support/workbook-writers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every sheet as data: its name and frozen rows, its columns' widths, and each cell's value, format and boldness. */
async function cells(bytes: Buffer): Promise<unknown> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  return {
    creator: workbook.creator,
    title: workbook.title,
    sheets: workbook.worksheets.map((sheet) => {
      const rows: unknown[] = [];
      sheet.eachRow({ includeEmpty: true }, (row, n) => {
        const line: unknown[] = [];
        row.eachCell({ includeEmpty: true }, (cell, c) =>
          line.push([c, cell.value, cell.numFmt ?? null, cell.font?.bold ?? false]),
        );
        rows.push([n, line]);
      });
      return {
        name: sheet.name,
        views: sheet.views,
        widths: sheet.columns.map((c) => c.width ?? null),
        rows,
      };
    }),
  };
}

describe('the workbooks written in a thread', () => {
  // 1 600 rows in the flat table: every cell compared, quickly enough beside the other unit tests.
  const view = bigView(100);

  it("hold the same cells as written on the event loop: the API's file of a 100-measure cycle", async () => {
    const built = workbookThreadStats.built;
    const inThread = await allocationsXlsx(view.allocations);
    expect(workbookThreadStats.built).toBe(built + 1);
    const here = await writeAllocationsXlsx(view.allocations);
    const expected = await cells(here);
    expect(await cells(inThread)).toEqual(expected);
    // A row per measure and year under the head: the cells compared are all of them.
    expect((expected as { sheets: { rows: unknown[] }[] }).sheets[0]!.rows).toHaveLength(1 + 100 * 4);
  }, 30_000);

  it("and the finance page's fordeling.xlsx, header block and totals rows included", async () => {
    const madeAt = new Date('2026-12-01T12:05:00Z');
    const built = workbookThreadStats.built;
    const inThread = await allocationXlsx(view, madeAt);
    expect(workbookThreadStats.built).toBe(built + 1);
    expect(await cells(inThread)).toEqual(await cells(await writeAllocationWorkbook(allocationWorkbook(view, madeAt))));
  }, 30_000);

  it('leave the event loop free while they are written: a callback of it runs before the build ends', async () => {
    // The writer holds its thread until this thread's event loop, in a callback, lets it go: were
    // it written on the event loop, the callback could not run before it ended (it times out then).
    const flag = new SharedArrayBuffer(4);
    const order: string[] = [];
    const build = inWorkbookThread(WRITERS_MODULE, heldUntilReleased, [flag]).then((bytes) =>
      order.push(`built: ${bytes.toString()}`),
    );
    setImmediate(() => {
      order.push('another request');
      Atomics.store(new Int32Array(flag), 0, 1);
      Atomics.notify(new Int32Array(flag), 0);
    });
    await build;
    expect(order).toEqual(['another request', 'built: released']);
  });
});

describe('a workbook thread in trouble', () => {
  it("answers a build that fails with the writer's error, and goes on building", async () => {
    await expect(inWorkbookThread(WRITERS_MODULE, fails, [])).rejects.toThrow('no workbook today');
    expect((await inWorkbookThread(WRITERS_MODULE, echoes, ['after'])).toString()).toBe('after');
  });

  it('answers the build of a thread that dies with an error, and starts another thread for the next', async () => {
    const died = workbookThreadStats.died;
    await expect(inWorkbookThread(WRITERS_MODULE, dies, [])).rejects.toThrow(
      'the workbook thread stopped with exit code 7',
    );
    expect(workbookThreadStats.died).toBe(died + 1);
    expect((await inWorkbookThread(WRITERS_MODULE, echoes, ['next'])).toString()).toBe('next');
  });

  it('ends a build that does not end within its bound, and its thread with it', async () => {
    await expect(inWorkbookThread(WRITERS_MODULE, spins, [], 300)).rejects.toThrow(
      'the workbook was not built within 0.3 s',
    );
    // Both threads of the pool are free for the next builds.
    const next = await Promise.all(['a', 'b', 'c'].map((t) => inWorkbookThread(WRITERS_MODULE, echoes, [t])));
    expect(next.map(String)).toEqual(['a', 'b', 'c']);
  });

  it('refuses arguments that cannot cross to a thread, and changes nothing', async () => {
    const notData = [() => 'a function'] as unknown as [string];
    await expect(inWorkbookThread(WRITERS_MODULE, echoes, notData)).rejects.toThrow(/could not be cloned/);
    expect((await inWorkbookThread(WRITERS_MODULE, echoes, ['still'])).toString()).toBe('still');
  });
});

describe('a process that built a workbook', () => {
  it('runs its thread under tsx, as the API runs, and exits by itself: an idle thread holds nothing open', () => {
    const child = spawnSync(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      [path.join(root, 'test', 'support', 'build-one-workbook.ts')],
      { cwd: root, encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(Number(child.stdout.trim())).toBeGreaterThan(1000);
  });
});
