import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const dirs: string[] = [];

/** A fresh temporary folder, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tab-test-'));
  dirs.push(dir);
  return dir;
}

export async function tempFile(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(await tempDir(), name);
  await writeFile(path, content);
  return path;
}

afterEach(async () => {
  while (dirs.length) await rm(dirs.pop()!, { recursive: true, force: true });
});

export const HEADER = 'adgroup_id,ad_text,landing_page_url,video_url';
export const VALID_ROW = '1780000000000000101,Fresh coffee,https://example.com/a,https://cdn.example.com/v.mp4';

/** A CSV of n valid, distinct rows. */
export function csvRows(n: number, extra = ''): string {
  const lines = [HEADER];
  for (let i = 0; i < n; i++) lines.push(`1780000000000000101,Fresh coffee ${i + 1},https://example.com/a${i},https://cdn.example.com/v${i}.mp4`);
  return `${lines.join('\r\n')}\r\n${extra}`;
}
