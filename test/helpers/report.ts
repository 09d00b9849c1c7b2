import { openSheet } from '../../src/read/open-sheet.js';

/** A report (or any sheet) read back as records keyed by header, cells as text. */
export async function reportRows(path: string): Promise<Record<string, string>[]> {
  const sheet = await openSheet(path, { ownFile: () => true });
  const out: Record<string, string>[] = [];
  for await (const r of sheet.records) {
    out.push(Object.fromEntries(sheet.header.map((h, i) => [h, r.cells[i] === null || r.cells[i] === undefined ? '' : String(r.cells[i])])));
  }
  return out;
}
