import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { cellText } from '../read/cell.js';
import { openSheet } from '../read/open-sheet.js';
import { openTableWriter } from '../report/open-writer.js';
import { RESULT_COLUMNS, resultWidth } from '../report/report-line.js';

const KEY_AT = RESULT_COLUMNS.indexOf('idempotency_key');
const AD_STATUS_AT = RESULT_COLUMNS.indexOf('ad_status');

/**
 * Writes each changed ad's status into the report's `ad_status` column, by the key the ad was
 * created with. A report written before the column existed gains it. The new report is written
 * beside the old one and renamed over it, so a crash leaves one or the other, never half of each.
 * Returns how many lines changed; a report that is not there is left alone (0).
 */
export async function writeAdStatuses(report: string, statuses: ReadonlyMap<string, string>, summary: readonly (readonly [string, string])[]): Promise<number> {
  if (statuses.size === 0 || !(await stat(report).catch(() => undefined))) return 0;
  const sheet = await openSheet(report, { ownFile: () => true });
  const width = resultWidth(sheet.header);
  if (width === 0) return 0;
  const header = width === RESULT_COLUMNS.length ? [...sheet.header] : [...RESULT_COLUMNS, ...sheet.header.slice(width)];
  const temp = join(dirname(report), `.${basename(report, extname(report))}.writing${extname(report)}`);
  const writer = await openTableWriter(temp, header, { sheetName: 'Results', summary: () => summary });
  let changed = 0;
  try {
    for await (const record of sheet.records) {
      const cells = record.cells.map((c) => cellText(c));
      const line = width === RESULT_COLUMNS.length ? cells : [...cells.slice(0, width), '', ...cells.slice(width)];
      while (line.length < header.length) line.push('');
      const status = statuses.get(line[KEY_AT] ?? '');
      if (status !== undefined && line[AD_STATUS_AT] !== status) {
        line[AD_STATUS_AT] = status;
        changed++;
      }
      await writer.write(line, { status: line[1] ?? '' });
    }
    await writer.close();
  } catch (err) {
    await writer.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
  await rename(temp, report);
  return changed;
}
