import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cli, processIt, spawnCli } from './helpers/cli.js';
import { tempDir, tempFile } from './helpers/tmp.js';
import { join } from 'node:path';
import { openSheet } from '../src/read/open-sheet.js';
import { flagsOf, optionsHelp } from '../src/cli/flags.js';
import { registryOptions } from '../src/cli/option-values.js';
import { checkNumberOption, defaultOf, OPTIONS, optionSpec, pageOptions, parseChoice, parseNumberOption } from '../src/options/registry.js';
import { libraryWords } from '../src/options/words.js';
import { runCli } from '../src/cli/run.js';
import { RunError } from '../src/errors.js';
import { parseDefaults, parseMap } from '../src/commands/common-options.js';
import { uploadFile, UPLOAD_DEFAULTS } from '../src/upload/upload.js';

describe('the CLI', () => {
  it('prints help for the tool and each command, with examples', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/validate FILE/);
    for (const c of ['validate', 'upload', 'template', 'sim']) {
      const r = await cli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Examples:/);
    }
  });

  it('help is made from the one flag table: every flag a command parses is in its help, and no other', async () => {
    for (const c of ['validate', 'upload', 'template', 'sim'] as const) {
      const shown = [...(await cli([c, '--help'])).stdout.matchAll(/^ {2}(--[\w-]+)/gm)].map((m) => m[1]);
      expect(shown, c).toEqual(
        flagsOf(c)
          .filter((f) => f.name !== 'help')
          .map((f) => `--${f.name}`),
      );
    }
    expect((await cli(['validate', '--help'])).stdout).toMatch(/Exit codes: 0 every row valid, 1 some rows invalid, 2 usage error/);
  });

  it('an option that is not one is our own sentence, with the nearest real option', async () => {
    expect((await cli(['validate', 'x.csv', '--sheeet', 'Ads'])).stderr).toBe(
      'Error: validate: --sheeet is not an option of validate; did you mean --sheet? See `tiktok-ads-bulk validate --help`.\n',
    );
    expect((await cli(['validate', 'x.csv', '--concurrency', '2'])).stderr).toMatch(/--concurrency is not an option of validate\. /);
    expect((await cli(['upload', 'x.csv', '--rate'])).stderr).toMatch(/--rate needs a value: --rate N\./);
    expect((await cli(['upload', 'x.csv', '--json=yes'])).stderr).toMatch(/--json takes no value\./);
  });

  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    expect((await cli(['--version'])).stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 with one sentence for usage errors', async () => {
    for (const argv of [
      ['frobnicate'],
      ['validate'],
      ['validate', 'a.csv', 'b.csv'],
      ['validate', 'x.csv', '--bogus'],
      ['upload', 'x.csv', '--rate', 'fast'],
      ['validate', 'x.csv', '--set', 'nofield=1'],
      ['validate', 'x.csv', '--set', 'novalue'],
    ]) {
      const r = await cli(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^Error: .+\n$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('validate: exit 0 for the fixture, 1 for the broken one, problems grouped by row on stderr', async () => {
    const ok = await cli(['validate', 'fixtures/campaign.csv']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('');
    const bad = await cli(['validate', 'fixtures/campaign-broken.csv']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Row 3:\n {2}✗ ad_text: is 112 characters long/);
    expect(bad.stderr).toMatch(/Row 8:\n {2}! call_to_action: "download" was corrected to DOWNLOAD_NOW/);
    expect(bad.stderr).toMatch(/19 ads checked, 2 valid, 17 invalid, 1 warning \(values corrected or worth a look\)/);
  });

  it('validate --json prints only the summary object on stdout', async () => {
    const r = await cli(['validate', 'fixtures/campaign-broken.csv', '--json']);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      command: 'validate',
      file: 'fixtures/campaign-broken.csv',
      report: null,
      rows: 19,
      quota: null,
      stopped: null,
      exit_code: 1,
    });
    expect(summary.counts).toMatchObject({ valid: 2, invalid: 17, created: 0, rejected: 0, failed: 0, not_sent: 0 });
    // Every problem is listed with its row and stable code; 17 invalid rows have at least 17.
    const errors = summary.problems.filter((p: { level: string }) => p.level === 'error');
    expect(new Set(errors.map((p: { row: number }) => p.row)).size).toBe(17);
    for (const p of summary.problems) expect(p.code).toMatch(/^[a-z_]+\.[a-z_]+$/);
    expect(summary.problems).toContainEqual(expect.objectContaining({ level: 'warning', code: 'call_to_action.corrected', row: 8 }));
  });

  it('validate exits 2 naming an unknown column and the closest field', async () => {
    const path = await tempFile('u.csv', 'adgroup_id,Ad Txt,landing_page_url\n1,x,https://e.com\n');
    const r = await cli(['validate', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/column B "Ad Txt" is not a field of add_tiktok_ad \(did you mean ad_text\?\)/);
  });

  it('validate --report writes the contract report (CSV and XLSX), valid/invalid with the input columns after', async () => {
    const dir = await tempDir();
    for (const ext of ['csv', 'xlsx']) {
      const report = join(dir, `r.${ext}`);
      const r = await cli(['validate', 'fixtures/campaign-broken.csv', '--report', report]);
      expect(r.code).toBe(1);
      const sheet = await openSheet(report);
      expect(sheet.header.slice(0, 8)).toEqual(['row', 'status', 'ad_id', 'idempotency_key', 'error', 'attempts', 'ad_status', 'adgroup_id']);
      const rows = [];
      for await (const rec of sheet.records) rows.push(rec.cells.map((c) => (c === null ? '' : String(c))));
      expect(rows).toHaveLength(19);
      expect(rows[0]!.slice(0, 2)).toEqual(['2', 'valid']);
      expect(rows[0]![3]).toMatch(/^[0-9a-f-]{36}$/);
      expect(rows[1]!.slice(0, 2)).toEqual(['3', 'invalid']);
      expect(rows[1]![4]).toMatch(/^ad_text: is 112 characters long.*; ad_text: contains the emoji/);
      expect(rows[1]![7]).toBe('1780000000000000101');
    }
  });

  it('validate --set and --advertiser-id fill empty cells', async () => {
    const path = await tempFile('s.csv', 'ad_text,landing_page_url,video_url\nT,https://e.com/a,https://e.com/v.mp4\n');
    expect((await cli(['validate', path])).code).toBe(1);
    const r = await cli(['validate', path, '--set', 'adgroup_id=123', '--advertiser-id', '700', '--json']);
    expect(r.code).toBe(0);
  });

  it('template writes csv and xlsx', async () => {
    const dir = await tempDir();
    expect((await cli(['template', '--out', join(dir, 't.xlsx')])).code).toBe(0);
    expect((await cli(['template', '--format', 'csv', '--out', join(dir, 't.csv')])).code).toBe(0);
    expect((await cli(['template', '--format', 'pdf'])).code).toBe(2);
    // A filled sheet at --out is never overwritten, unless --force.
    await writeFile(join(dir, 't.csv'), 'my filled sheet');
    const refused = await cli(['template', '--out', join(dir, 't.csv')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /t\.csv already exists, and template does not overwrite a file \(it may be a filled sheet\)\. Choose another --out, or pass --force to replace it\./,
    );
    expect(await readFile(join(dir, 't.csv'), 'utf8')).toBe('my filled sheet');
    expect((await cli(['template', '--out', join(dir, 't.csv'), '--force'])).code).toBe(0);
    expect(await readFile(join(dir, 't.csv'), 'utf8')).not.toBe('my filled sheet');
  });

  it('the tool alone prints its help and exits 2; --help, -h and help exit 0; -v is the version; an unknown command names the commands', async () => {
    const bare = await cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toMatch(/validate FILE/);
    for (const ask of ['--help', '-h', 'help']) expect(await cli([ask]), ask).toMatchObject({ code: 0, stdout: bare.stdout });
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    expect(await cli(['-v'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(await cli(['upload-now'])).toMatchObject({
      code: 2,
      stderr: 'Error: unknown command "upload-now"; use validate, upload, pause, resume, delete, template, sim or ui (see --help).\n',
    });
    for (const c of ['pause', 'resume', 'delete', 'ui']) {
      const h = await cli([c, '--help']);
      expect(h.code, c).toBe(0);
      expect(h.stdout, c).toMatch(new RegExp(`tiktok-ads-bulk ${c}`));
    }
  });

  it('help lines: the range and default from the registry, a long flag on a line of its own, a long help continued aligned', () => {
    const upload = optionsHelp('upload').split('\n');
    expect(upload).toContain('  --link-timeout SECONDS  per link checked, redirects included (above 0, at most 300; default 10)');
    expect(upload).toContain('  --concurrency N         requests in flight at once (1–64; default 4)');
    expect(upload).toContain('  --limit N               send at most N rows in this run; the rest stay not_sent (0 or more)');
    expect(upload).toContain("  --retry-format csv|xlsx the retry file's format (default: the input's); xlsx keeps long IDs as Text in Excel");
    const wait = upload.indexOf("  --max-wait SECONDS      most time to wait for TikTok's rate limit (429) in one run;");
    expect(upload[wait + 1]).toBe('                          then the rows left are not_sent (0–86400; default 900)');
    expect(upload.some((l) => l.startsWith('  --help'))).toBe(false);
    const sim = optionsHelp('sim').split('\n');
    const shape = sim.indexOf('  --accounts-shape structured|text');
    expect(sim[shape + 1]).toBe('                          list_connected_accounts answers in data.structured or text only (default structured)');
    expect(sim).toContain('  --rate-limit N          requests per second before 429 with Retry-After (above 0)');
    expect(sim).toContain('  --fail-rate P           share of requests that meet an injected fault (0–1)');
    expect(sim).toContain('  --tier NAME             plan name reported (default plus)');
  });

  it('a flag it does not know, a switch given a value, a flag missing its value: each said in one line with the help to read', async () => {
    const said = async (argv: string[]) => (await cli(argv)).stderr;
    expect(await said(['validate', 'f.csv', '--frobnicate'])).toBe(
      'Error: validate: --frobnicate is not an option of validate. See `tiktok-ads-bulk validate --help`.\n',
    );
    expect(await said(['validate', '-x', 'f.csv'])).toBe('Error: validate: -x is not an option of validate. See `tiktok-ads-bulk validate --help`.\n');
    expect(await said(['validate', 'f.csv', '--json=yes'])).toBe('Error: validate: --json takes no value. See `tiktok-ads-bulk validate --help`.\n');
    expect(await said(['validate', 'f.csv', '--report'])).toBe(
      'Error: validate: --report needs a value: --report PATH. See `tiktok-ads-bulk validate --help`.\n',
    );
    expect(await said(['upload', 'f.csv', '--rate'])).toBe('Error: upload: --rate needs a value: --rate N. See `tiktok-ads-bulk upload --help`.\n');
  });

  it('template: the format follows --out, says where it wrote, and refuses a FILE or an --out of the other format', async () => {
    const dir = await tempDir();
    const xlsx = join(dir, 'T.XLSX');
    const wrote = await cli(['template', '--out', xlsx]);
    expect(wrote).toMatchObject({ code: 0, stderr: `Template written: ${xlsx}\n` });
    expect((await readFile(xlsx)).subarray(0, 2).toString()).toBe('PK');
    expect(await cli(['template', 'campaign.csv'])).toMatchObject({ code: 2, stderr: 'Error: template takes no file; use --out campaign.csv.\n' });
    expect(await cli(['template', '--format', 'xlsx', '--out', join(dir, 't.csv')])).toMatchObject({
      code: 2,
      stderr: 'Error: template: --out t.csv does not end in .xlsx; the file would not open as xlsx.\n',
    });
    expect((await cli(['template', '--out', join(dir, 'notes.txt')])).stderr).toBe(
      'Error: template: --out notes.txt does not end in .csv; the file would not open as csv.\n',
    );
    expect(await cli(['sim', 'campaign.csv', 'x'])).toMatchObject({ code: 2, stderr: 'Error: sim takes no file; got campaign.csv x.\n' });
  });

  it('--debug adds the cause of an error; an unexpected error (stdout closed) is exit 2 with a hint, and its stack with --debug', async () => {
    const dir = await tempDir();
    const file = await tempFile('c.csv', 'adgroup_id,ad_text,landing_page_url,video_url\n1780000000000000101,a,https://e.com/a,https://e.com/v.mp4\n');
    const nowhere = join(dir, 'missing', 'r.csv');
    const plain = await cli(['validate', file, '--report', nowhere]);
    expect(plain.stderr).toBe(`Error: Cannot write the report ${nowhere}: its folder does not exist. Choose another path with --report.\n`);
    const debug = await cli(['validate', file, '--report', nowhere, '--debug']);
    expect(debug.stderr.split('\n')[1]).toMatch(/^Error: ENOENT/);
    const closed = (argv: string[]) => {
      const err: string[] = [];
      const io = {
        out: () => {
          throw new Error('write EPIPE');
        },
        err: (t: string) => void err.push(t),
        isTTY: false,
        color: false,
      };
      return runCli(argv, { env: {}, io }).then((code) => ({ code, stderr: err.join('') }));
    };
    const broken = await closed(['validate', file, '--json']);
    expect(broken.code).toBe(2);
    expect(broken.stderr.endsWith('Unexpected error: write EPIPE. Run again with --debug for details, and report it if it persists.\n')).toBe(true);
    const traced = await closed(['validate', file, '--json', '--debug']);
    expect(traced.stderr).toMatch(/Unexpected error: write EPIPE\. \nError: write EPIPE\n\s+at /);
  });

  processIt('the built binary runs, with exit codes from the process', async () => {
    const v = await spawnCli(['--version']);
    expect(v.code).toBe(0);
    const bad = await spawnCli(['validate', 'fixtures/campaign-broken.csv']);
    expect(bad.code).toBe(1);
    const missing = await spawnCli(['validate', 'fixtures/nope.csv']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
  });
});

describe('--set matches fields as headers do', () => {
  it('accepts any case, spaces or dashes and aliases, and suggests the closest field otherwise', async () => {
    const path = await tempFile('s.csv', 'ad_text,landing_page_url,video_url\nT,https://e.com/a,https://e.com/v.mp4\n');
    expect((await cli(['validate', path, '--set', 'AdGroup ID=123', '--set', 'CTA=shop now'])).code).toBe(0);
    const r = await cli(['validate', path, '--set', 'adgrup_id=1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"adgrup_id" is not a field of add_tiktok_ad; did you mean adgroup_id\?/);
  });
});

describe('the option registry: values read and checked, word for word (pure)', () => {
  it('numbers: the form, the range and the message, from the one declaration', () => {
    const concurrency = optionSpec('upload', 'concurrency'); // a whole number from 1 to 64
    expect(parseNumberOption(concurrency, ' 8 ')).toBe(8);
    for (const bad of ['x8', '8x', '8.5', '', '0', '65', '-1'])
      expect(() => parseNumberOption(concurrency, bad), bad).toThrow(new RunError('USAGE', `--concurrency ${bad}: expected a whole number from 1 to 64.`));
    const rate = optionSpec('upload', 'rate'); // above 0, at most 100
    expect(parseNumberOption(rate, '0.5')).toBe(0.5);
    for (const bad of ['', ' ', '0', 'abc', 'Infinity', '100.5'])
      expect(() => parseNumberOption(rate, bad), bad).toThrow(
        new RunError('USAGE', `--rate ${bad}: expected a number above 0 and at most 100 (requests per second).`),
      );
    expect(() => parseNumberOption(optionSpec('upload', 'limit'), '-3')).toThrow('--limit -3: expected a whole number, 0 or more.');
    expect(() => parseNumberOption(optionSpec('upload', 'max-wait'), '-3')).toThrow('--max-wait -3: expected a number at least 0 and at most 86400 (seconds).');
    expect(() => checkNumberOption('upload', 'concurrency', 0)).toThrow(new RunError('USAGE', '--concurrency 0: expected a whole number from 1 to 64.'));
    expect(() => checkNumberOption('upload', 'concurrency', 64)).not.toThrow();
    expect(() => checkNumberOption('upload', 'concurrency', undefined)).not.toThrow();
    expect(() => checkNumberOption('upload', 'include-hidden', 5)).not.toThrow(); // not a number option: nothing to check
  });

  it('choices in any case and spacing; defaults and names that are not declared are mistakes of ours', () => {
    const format = optionSpec('upload', 'retry-format');
    expect(parseChoice(format, ' XLSX ')).toBe('xlsx');
    expect(() => parseChoice(format, 'ods')).toThrow(new RunError('USAGE', '--retry-format ods: use csv or xlsx.'));
    expect(defaultOf('upload', 'concurrency')).toBe(4);
    expect(() => defaultOf('upload', 'include-hidden')).toThrow('--include-hidden of upload has no numeric default');
    expect(() => optionSpec('validate', 'concurrency')).toThrow('no option --concurrency for validate');
  });

  it("the page's values: switches only as switches, text trimmed, lists of text without blanks; what the page has no control for is left out", () => {
    expect(
      pageOptions('upload', { checkLinks: 'false', allowDuplicates: true, adName: '  {row}  ', encoding: '   ', set: [' a=b ', '', 7], report: 'x.csv' }),
    ).toEqual({
      allowDuplicates: true,
      adName: '{row}',
      set: [' a=b '],
    });
  });

  it("the library's words: a flag becomes the option it sets; a negated switch says false; a longer flag is not taken for a shorter one", () => {
    expect(libraryWords('pass --trust-ids, or --no-check-links, not --check-links-now')).toBe('pass trustIds, or checkLinks: false, not --check-links-now');
    expect(libraryWords('No API key: pass --api-key-file PATH.')).toBe('No API key: pass apiKey (the key itself) or apiKeyFile (a file that holds it).');
    expect(libraryWords('add --debug to see it')).toBe('add --debug to see it'); // the CLI's own flag, no library option
  });
});

describe('the option registry (options/registry.ts): each option declared once', () => {
  it('flags become the library options they declare, read by kind and range', () => {
    expect(
      registryOptions('upload', {
        concurrency: '8',
        rate: '0.5',
        'max-wait': '60',
        'allow-overage': '20',
        'no-check-links': true,
        'trust-ids': true,
        set: ['ad_text=x'],
        'retry-format': 'XLSX',
        debug: true,
      }),
    ).toEqual({ concurrency: 8, rate: 0.5, maxWaitSeconds: 60, allowOverage: 20, checkLinks: false, trustIds: true, set: ['ad_text=x'], retryFormat: 'xlsx' });
    expect(registryOptions('validate', { 'check-links': true, 'link-timeout': '2.5' })).toEqual({ checkLinks: true, linkTimeoutSeconds: 2.5 });
    expect(() => registryOptions('upload', { concurrency: '65' })).toThrow('--concurrency 65: expected a whole number from 1 to 64.');
  });

  it('the library checks the same ranges with the same words as the flags', async () => {
    for (const [flag, option, value] of [
      ['concurrency', 'concurrency', 0],
      ['rate', 'rate', 101],
      ['max-wait', 'maxWaitSeconds', -1],
      ['allow-overage', 'allowOverage', 1.5],
    ] as const) {
      const fromCli = await cli(['upload', 'x.csv', `--${flag}=${value}`]);
      const fromLibrary = await uploadFile({ file: 'x.csv', env: {}, [option]: value }).catch((e: unknown) => e);
      expect(fromLibrary).toBeInstanceOf(RunError);
      expect(fromCli.stderr).toBe(`Error: ${(fromLibrary as RunError).message}\n`);
    }
  });

  it('help states each range and default as declared', async () => {
    const help = (await cli(['upload', '--help'])).stdout;
    expect(help).toMatch(/--concurrency N {9}requests in flight at once \(1–64; default 4\)/);
    expect(help).toMatch(/--rate N {16}at most N requests per second, decimals allowed \(above 0, at most 100; default 2\)/);
    expect(UPLOAD_DEFAULTS).toEqual({ concurrency: 4, rate: 2, retries: 4, timeoutSeconds: 120, maxWaitSeconds: 900 });
  });

  it('the README names every option under a heading of its own, with the default the registry declares', async () => {
    const readme = await readFile('README.md', 'utf8');
    for (const o of OPTIONS.filter((x) => x.name !== 'help')) {
      const headings = [...readme.matchAll(new RegExp(`^#{2,4} .*\`--${o.name}[ \`].*$`, 'gm'))];
      expect(headings.length, `--${o.name}`).toBeGreaterThan(0);
      if (o.default === undefined) continue;
      const sections = headings.map((h) => readme.slice(h.index!, readme.indexOf('\n#', h.index! + h[0].length)));
      expect(
        sections.some((s) => new RegExp(`default[^.;\\n]*?\\b${String(o.default).replace('.', '\\.')}\\b`, 'i').test(s)),
        `--${o.name} default ${o.default} (${o.commands.join(', ')})`,
      ).toBe(true);
    }
  });

  it("the web page's controls are the registry's: what the page sends maps to the options it declares", async () => {
    // Each control names its option's key (data-page); app.js sends every such control, and the mapping as `map`.
    const html = await readFile('src/ui/static/index.html', 'utf8');
    const app = await readFile('src/ui/static/app.js', 'utf8');
    const keys = OPTIONS.filter((o) => o.page !== undefined).map((o) => o.page!);
    for (const key of keys) expect(key === 'map' ? app : html, key).toMatch(key === 'map' ? /body\.map = / : new RegExp(`data-page="${key}"`));
    expect(pageOptions('upload', { checkLinks: false, sheet: ' Ads ', set: ['a=b', 3, ''], advertiserId: '', adName: '{row}' })).toEqual({
      checkLinks: false,
      sheet: 'Ads',
      set: ['a=b'],
      adName: '{row}',
    });
    // Only what the page offers a control for is read from it: no report path, no link checks in a check.
    expect(pageOptions('validate', { checkLinks: true, trustIds: true, report: '/etc/x' })).toEqual({ trustIds: true });
  });
});

describe('--set names a field', () => {
  it('suggests a field only for a near miss, never the nearest of unrelated names', async () => {
    expect((await cli(['validate', 'fixtures/campaign.csv', '--set', 'ad_txet=Hi'])).stderr).toMatch(
      /"ad_txet" is not a field of add_tiktok_ad; did you mean ad_text\?/,
    );
    const far = (await cli(['validate', 'fixtures/campaign.csv', '--set', 'foo=bar'])).stderr;
    expect(far).toMatch(/"foo" is not a field of add_tiktok_ad; the fields are listed in the template/);
    expect(far).not.toMatch(/did you mean/);
  });

  it('--set, --advertiser-id and --map, parsed in-process: names as headers are, values trimmed, each mistake a usage error naming the pair', () => {
    const usage = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(RunError);
        expect((err as RunError).code).toBe('USAGE');
        return (err as RunError).message;
      }
      throw new Error('no error');
    };
    expect([...parseDefaults([' Call To Action = SHOP_NOW ', 'ad text=a=b'], ' 7001 ')]).toEqual([
      ['call_to_action', 'SHOP_NOW'],
      ['ad_text', 'a=b'],
      ['advertiser_id', '7001'],
    ]);
    expect([...parseDefaults(['ad_text='])]).toEqual([['ad_text', '']]);
    expect(usage(() => parseDefaults(['=x']))).toBe('--set "=x": write it as FIELD=VALUE, e.g. --set call_to_action=SHOP_NOW.');
    expect(usage(() => parseDefaults(['ad_text']))).toMatch(/^--set "ad_text": write it as FIELD=VALUE/);
    for (const id of ['70a1', 'x7001', '7001x', ''])
      expect(usage(() => parseDefaults([], id))).toBe(`--advertiser-id "${id}": a TikTok advertiser ID is digits only.`);
    expect(usage(() => parseDefaults(['ad_txet=x']))).toBe('--set ad_txet=x: "ad_txet" is not a field of add_tiktok_ad; did you mean ad_text?');
    // Three edits away is still a typo; four is another word.
    expect(usage(() => parseDefaults(['adtxtzz=x']))).toMatch(/did you mean ad_text\?$/);
    expect(usage(() => parseDefaults(['zzzzzzz=x']))).toMatch(/the fields are listed in the template/);

    const map = parseMap([' Client = advertiser_id ', 'a=b=Ad Text']);
    expect([...map].map(([k, f]) => [k, f.name])).toEqual([
      ['client', 'advertiser_id'],
      ['a=b', 'ad_text'],
    ]);
    for (const bad of ['=ad_text', 'Client=', 'Client'])
      expect(usage(() => parseMap([bad]))).toBe(`--map "${bad}": write it as COLUMN=FIELD, e.g. --map "Client=advertiser_id".`);
    expect(usage(() => parseMap(['Client=advertiser_idd']))).toBe(
      '--map Client=advertiser_idd: "advertiser_idd" is not a field of add_tiktok_ad; did you mean advertiser_id?',
    );
  });
});

describe('help says what the commands do', () => {
  it('Google Sheets links, the retry file of a workbook, and the template example row as it is', async () => {
    for (const c of ['validate', 'upload']) expect((await cli([c, '--help'])).stdout).toMatch(/a Google Sheets link shared by\s+link/);
    expect((await cli(['upload', '--help'])).stdout).toMatch(/\.retry\.xlsx for a workbook/);
    const template = (await cli(['template', '--help'])).stdout;
    expect(template).toMatch(/validate refuses it as it is/);
    expect(template).not.toMatch(/example row that\s+validates/);
  });
});
