import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changeAdStatus, createSimulator, uploadFile, validateFile, RunError, type UploadEvent, type ValidatedRow } from '../src/index.js';
import { tempDir } from './helpers/tmp.js';

describe('the library API', () => {
  it('validateFile returns the summary the CLI prints', async () => {
    const summary = await validateFile({ file: 'fixtures/campaign-broken.csv' });
    expect(summary).toMatchObject({ command: 'validate', rows: 19, exitCode: 1 });
    expect(summary.counts).toMatchObject({ valid: 2, invalid: 17, notSent: 0 });
  });

  it("validateFile tells each row's result as it is checked, every problem with its field and stable code", async () => {
    const rows: ValidatedRow[] = [];
    const summary = await validateFile({ file: 'fixtures/campaign-broken.csv', onRow: (r) => rows.push(r) });
    expect(rows).toHaveLength(19);
    expect(rows.map((r) => r.row)).toEqual([...rows.map((r) => r.row)].sort((a, b) => a - b));
    expect(rows.filter((r) => r.status === 'valid').every((r) => r.key !== undefined && r.problems.length === 0)).toBe(true);
    const invalid = rows.filter((r) => r.status === 'invalid');
    expect(invalid).toHaveLength(17);
    for (const r of invalid) {
      expect(r.problems.length).toBeGreaterThan(0);
      for (const p of r.problems) expect(p.code.startsWith(`${p.field.split(/[ #]/)[0]}.`) || /^(row|column)\./.test(p.code)).toBe(true);
    }
    // The result lists the same problems, flattened with their rows.
    expect(summary.problems?.filter((p) => p.level === 'error')).toHaveLength(invalid.reduce((n, r) => n + r.problems.length, 0));
  });

  it('uploadFile emits row, progress and quota events, and honours an AbortSignal', async () => {
    const sim = await createSimulator({ port: 0, latencyMs: 20 });
    try {
      const dir = await tempDir();
      const file = join(dir, 'campaign.csv');
      await copyFile('fixtures/campaign.csv', file);
      const events: UploadEvent[] = [];
      const controller = new AbortController();
      const summary = await uploadFile({
        file,
        endpoint: sim.url,
        env: { ADSPIRER_API_KEY: 'sk_test_lib' },
        rate: 100,
        checkLinks: false,
        signal: controller.signal,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'row' && e.line.status === 'created') controller.abort();
        },
      });
      expect(summary.stopped).toBe('interrupted');
      expect(summary.exitCode).toBe(130);
      expect(events.some((e) => e.type === 'quota')).toBe(true);
      expect(events.filter((e) => e.type === 'row')).toHaveLength(20);
      expect(events.filter((e) => e.type === 'progress').at(-1)).toEqual({ type: 'progress', done: 20, total: 20 });
      expect(summary.counts.created).toBe(sim.ads().length);
      expect(summary.counts.created).toBeLessThan(20);
    } finally {
      await sim.close();
    }
  });

  it("speaks the library's words: the key given directly, options named as passed, results in camelCase", async () => {
    const sim = await createSimulator({ port: 0 });
    try {
      const dir = await tempDir();
      const file = join(dir, 'campaign.csv');
      await copyFile('fixtures/campaign.csv', file);
      const noKey = await uploadFile({ file, endpoint: sim.url, env: {} }).catch((e: unknown) => e);
      expect((noKey as RunError).message).toMatch(/pass apiKey \(the key itself\) or apiKeyFile/);
      expect((noKey as RunError).message).not.toMatch(/--/);
      const range = await uploadFile({ file, endpoint: sim.url, apiKey: 'sk_test_lib', concurrency: 0 }).catch((e: unknown) => e);
      expect((range as RunError).message).toBe('concurrency 0: expected a whole number from 1 to 64.');
      const summary = await uploadFile({ file, endpoint: sim.url, apiKey: 'sk_test_lib', rate: 100, checkLinks: false, checkAdgroups: false });
      expect(summary).toMatchObject({ command: 'upload', exitCode: 0, counts: { created: 20, notSent: 0 }, quota: { periodEnd: expect.any(String) } });
      expect(summary).not.toHaveProperty('exit_code');
      const paused = await changeAdStatus('pause', { file, endpoint: sim.url, apiKey: 'sk_test_lib', rows: '2-3', rate: 100 });
      expect(paused).toMatchObject({ command: 'pause', ads: 2, counts: { done: 2, notSent: 0 }, exitCode: 0 });
    } finally {
      await sim.close();
    }
  });

  it('throws RunError with a stable code and exit code for what ends a run', async () => {
    const err = await validateFile({ file: 'fixtures/missing.csv' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunError);
    expect(err).toMatchObject({ code: 'FILE', exitCode: 2, name: 'RunError' });
    // Told again in the library's words, it keeps the system's error behind it.
    expect((err as RunError).cause).toMatchObject({ code: 'ENOENT' });
    // What is not a RunError (a caller's wrong type, a bug) comes out as itself, not renamed as one.
    const wrong = await validateFile({ file: 'fixtures/campaign.csv', set: 5 as unknown as string[] }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(TypeError);
    expect(wrong).not.toBeInstanceOf(RunError);
  });
});
