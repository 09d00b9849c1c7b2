import { createWriteStream } from 'node:fs';
import ExcelJS from 'exceljs';

/** Benchmark campaigns: realistic rows, every one distinct (no cache can help). */
export const BENCH_HEADER = ['adgroup_id', 'ad_text', 'landing_page_url', 'ad_name', 'display_name', 'call_to_action', 'video_url', 'advertiser_id'];

export function benchRow(i: number): string[] {
  return [
    // Never ending in four zeros, which the validator takes for an ID rounded by a spreadsheet.
    `1780000000${String(i % 1e8).padStart(8, '0')}1`,
    `Fresh coffee beans, roasted this week. Offer ${i}`,
    `https://beanthere.example.com/p/${i}?utm_source=tiktok`,
    `Coffee - V${i}`,
    'Bean There',
    i % 3 === 0 ? 'SHOP_NOW' : 'LEARN_MORE',
    `https://cdn.example.com/ads/${i}.mp4`,
    '7000000000000000001',
  ];
}

export async function writeBenchCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string): Promise<void> | void => {
    if (!out.write(s)) return new Promise((r) => out.once('drain', () => r()));
  };
  await write(`${BENCH_HEADER.join(',')}\n`);
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const r = benchRow(i);
    r[1] = `"${r[1]}"`;
    buf += `${r.join(',')}\n`;
    if (buf.length > 1 << 16) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

/** XLSX as a spreadsheet program writes it: shared strings, IDs as text. */
export async function writeBenchXlsx(path: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: false });
  const ws = wb.addWorksheet('Ads');
  ws.addRow(BENCH_HEADER).commit();
  for (let i = 0; i < rows; i++) ws.addRow(benchRow(i)).commit();
  ws.commit();
  await wb.commit();
}
