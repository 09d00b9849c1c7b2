import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { looksLikeHeader, mapColumns } from '../src/validate/columns.js';
import { validateRow, type RowRules } from '../src/validate/validate-row.js';
import { rowRulesFor } from '../src/validate/validate-sheet.js';
import { parseAdNameTemplate, renderAdName } from '../src/validate/ad-name.js';
import { tiktokLength, findEmoji } from '../src/validate/text-length.js';
import { editDistance, nearest, nearMiss, typoDistance } from '../src/validate/nearest.js';
import { validateSheet, type PlannedAd } from '../src/keys/keyed-sheet.js';
import { openSheet } from '../src/read/open-sheet.js';
import { RunError } from '../src/errors.js';
import type { Cell } from '../src/read/cell.js';
import { HEADER, tempDir, tempFile, VALID_ROW } from './helpers/tmp.js';
import { validateFile } from '../src/commands/validate.js';
import { bufferIo } from '../src/commands/io.js';
import ExcelJS from 'exceljs';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldTable, limitText } from '../src/validate/field-table.js';
import { FIELD_BY_NAME, FIELDS, isIdField } from '../src/validate/fields.js';
import { coerceCell } from '../src/validate/coerce.js';
import { coerceClickables } from '../src/validate/clickables.js';
import { clipValue } from '../src/validate/invisible.js';
import { codeSubject, PROBLEM_KINDS, problemCode, problemKindTable } from '../src/validate/problem-codes.js';
import { addTiktokAdSchema, schemaFor } from '../src/validate/schema.js';

const BASE: Record<string, Cell> = {
  adgroup_id: '1780000000000000101',
  ad_text: 'Fresh coffee',
  landing_page_url: 'https://example.com/a',
  video_url: 'https://cdn.example.com/v.mp4',
};

function check(fields: Record<string, Cell>, extra: Partial<RowRules> = {}) {
  const values = { ...BASE, ...fields };
  const header = Object.keys(values);
  const rules: RowRules = { columns: mapColumns('t.csv', header), defaults: new Map(), runDate: '2026-11-29', maxCellChars: 32768, ...extra };
  return validateRow({ row: 5, cells: header.map((h) => values[h] ?? null) }, rules);
}

function problems(fields: Record<string, Cell>, extra: Partial<RowRules> = {}): string[] {
  return check(fields, extra).problems.map((p) => `${p.field}: ${p.message}`);
}

describe('header matching', () => {
  it('ignores case, spaces, - and _, and knows aliases', () => {
    const map = mapColumns('f.csv', ['Ad Text', 'AD-GROUP-ID', 'landing page url', 'CTA', 'Video URL', 'error']);
    expect(map.indexOf.get('ad_text')).toBe(0);
    expect(map.indexOf.get('adgroup_id')).toBe(1);
    expect(map.indexOf.get('landing_page_url')).toBe(2);
    expect(map.indexOf.get('call_to_action')).toBe(3);
    expect(map.roles[5]).toEqual({ kind: 'ignored' });
  });
  it('refuses an unknown column naming it and the closest field', () => {
    expect(() => mapColumns('f.csv', ['ad_txt', 'adgroup_id'])).toThrow(/column A "ad_txt" is not a field of add_tiktok_ad \(did you mean ad_text\?\)/);
    try {
      mapColumns('f.csv', ['ad_txt']);
    } catch (err) {
      expect((err as RunError).exitCode).toBe(2);
    }
  });
  it('refuses two columns that mean the same field', () => {
    expect(() => mapColumns('f.csv', ['cta', 'call_to_action'])).toThrow(/both mean call_to_action/);
  });
});

describe('a valid row', () => {
  it('becomes typed arguments', () => {
    const v = check({ image_ids: null, creative_authorized: 'yes', call_to_action: 'shop now' });
    expect(v.problems).toEqual([]);
    expect(v.ads).toEqual([{ ...BASE, creative_authorized: true, call_to_action: 'SHOP_NOW' }]);
  });
  it('splits arrays on | and new lines and trims', () => {
    const v = check({ video_url: null, image_urls: ' https://c.com/1.jpg | https://c.com/2.jpg\nhttps://c.com/3.jpg ' });
    expect(v.ads[0]!.image_urls).toEqual(['https://c.com/1.jpg', 'https://c.com/2.jpg', 'https://c.com/3.jpg']);
  });
  it('reads booleans as TRUE/FALSE, yes/no, 1/0 and real booleans', () => {
    for (const [cell, value] of [
      ['TRUE', true],
      ['no', false],
      ['1', true],
      [0, false],
      [true, true],
      ['False', false],
    ] as const) {
      expect(check({ vast_moat_enabled: cell }).ads[0]!.vast_moat_enabled).toBe(value);
    }
  });
  it('reads clickable disclaimer texts as JSON or text|url lines', () => {
    const json = check({ disclaimer_clickable_texts: '[{"text":"Terms","url":"https://x.com/t"}]', disclaimer_type: 'text_link' });
    expect(json.ads[0]!.disclaimer_clickable_texts).toEqual([{ text: 'Terms', url: 'https://x.com/t' }]);
    const lines = check({ disclaimer_clickable_texts: 'Terms|https://x.com/t\nRisks|https://x.com/r' });
    expect(lines.ads[0]!.disclaimer_clickable_texts).toEqual([
      { text: 'Terms', url: 'https://x.com/t' },
      { text: 'Risks', url: 'https://x.com/r' },
    ]);
  });
  it('keeps safe-integer numeric IDs as text', () => {
    expect(check({ adgroup_id: 1234567890 }).ads[0]!.adgroup_id).toBe('1234567890');
  });
  it('makes one ad per ad group from a |-separated adgroup_id', () => {
    const v = check({ adgroup_id: '111|222\n333' });
    expect(v.ads.map((a) => a.adgroup_id)).toEqual(['111', '222', '333']);
  });
  it('fills empty cells from --set defaults, never over a value', () => {
    const defaults = new Map([
      ['call_to_action', 'SHOP_NOW'],
      ['advertiser_id', '700'],
    ]);
    expect(check({ call_to_action: null }, { defaults }).ads[0]).toMatchObject({ call_to_action: 'SHOP_NOW', advertiser_id: '700' });
    expect(check({ call_to_action: 'SIGN_UP' }, { defaults }).ads[0]!.call_to_action).toBe('SIGN_UP');
  });
  it('names rows with --ad-name, any column, {row} and {date}', () => {
    const adName = parseAdNameTemplate('{display_name} | {CTA} | {row} | {date}');
    const v = check({ display_name: 'Bean', call_to_action: 'shop_now' }, { adName });
    expect(v.ads[0]!.ad_name).toBe('Bean | SHOP_NOW | 5 | 2026-11-29');
    expect(check({ ad_name: 'Mine' }, { adName }).ads[0]!.ad_name).toBe('Mine');
    expect(() => parseAdNameTemplate('{nope}')).toThrow(/unknown token \{nope\}/);
  });
});

describe('each rule names its field and says how to fix it', () => {
  const cases: [string, Record<string, Cell>, RegExp][] = [
    ['ad_text too long', { ad_text: 'x'.repeat(101) }, /^ad_text: is 101 characters long; TikTok allows at most 100/],
    ['ad_text CJK counts two', { ad_text: '咖'.repeat(51) }, /^ad_text: is 102 characters long \(Chinese and Japanese characters count two\)/],
    [
      'display_name Korean counts two',
      { display_name: '커'.repeat(21) },
      /^display_name: is 42 characters long \(Chinese, Japanese and Korean characters count two\)/,
    ],
    ['ad_text emoji', { ad_text: 'Hot ☕ coffee' }, /^ad_text: contains the emoji "☕"/],
    ['ad_name too long', { ad_name: 'n'.repeat(513) }, /^ad_name: is 513 characters long; TikTok allows at most 512/],
    ['ad_name emoji', { ad_name: 'Launch 🚀' }, /^ad_name: contains the emoji/],
    ['display_name too long', { display_name: 'd'.repeat(41) }, /^display_name: is 41 characters/],
    ['display_name CJK', { display_name: '咖'.repeat(21) }, /^display_name: is 42 characters/],
    ['disclaimer too long', { disclaimer_text: 'd'.repeat(91), disclaimer_type: 'TEXT_ONLY' }, /^disclaimer_text: is 91 characters/],
    ['missing required', { ad_text: null }, /^ad_text: is missing; it is required/],
    ['http URL', { landing_page_url: 'http://example.com' }, /^landing_page_url: "http:\/\/example.com" uses http; TikTok needs an https/],
    ['no scheme', { landing_page_url: 'example.com/x' }, /^landing_page_url: "example.com\/x" is not a full URL/],
    ['no real host', { click_tracking_url: 'https://localhost/x' }, /^click_tracking_url: .* has no real host name/],
    ['image url', { video_url: null, image_urls: 'https://c.com/1.jpg|ftp://c.com/2.jpg' }, /^image_urls: "ftp:\/\/c.com\/2.jpg" uses ftp/],
    ['deeplink', { deeplink: 'not a link' }, /^deeplink: "not a link" is not an app link/],
    ['deeplink javascript', { deeplink: 'javascript://alert(1)' }, /^deeplink: .* uses the javascript scheme/],
    ['CTA LEARN', { call_to_action: 'LEARN' }, /^call_to_action: "LEARN" is not a value TikTok accepts; did you mean LEARN_MORE\?/],
    ['CTA VISIT', { call_to_action: 'visit' }, /did you mean VISIT_STORE\?/],
    ['CTA GO', { call_to_action: 'GO' }, /^call_to_action: "GO" is not a value TikTok accepts/],
    ['identity CUSTOMIZED_USER', { identity_type: 'customized_user' }, /^identity_type: is CUSTOMIZED_USER, which TikTok stopped accepting/],
    ['enum list shown', { card_type: 'video' }, /^card_type: "VIDEO" is not a value TikTok accepts.*Allowed: IMAGE, PRODUCT/],
    ['no creative', { video_url: null }, /^video_url: no creative/],
    ['two creatives', { video_id: 'v123' }, /video_url and video_id are both given/],
    // The tool page: one creative source per ad; image_ids are one (uploaded images), card_id another.
    ['image_ids with a video', { image_ids: 'a' }, /^image_ids: video_url and image_ids are both given; an ad takes exactly one creative source/],
    ['carousel with a video', { card_id: 'c1', card_type: 'IMAGE' }, /^card_id: video_url and card_id are both given/],
    ['carousel without its type', { video_url: null, card_id: 'c1' }, /^card_id: is set but card_type is not; a carousel ad needs both/],
    [
      'spark without identity',
      { video_url: null, tiktok_item_id: '7301234567890123456' },
      /^identity_type: is missing; a Spark ad \(tiktok_item_id\) needs identity_type TT_USER/,
    ],
    [
      'spark without identity_id',
      { video_url: null, tiktok_item_id: '7301234567890123456', identity_type: 'TT_USER' },
      /^identity_id: is missing; a Spark ad \(tiktok_item_id\) needs the identity_id/,
    ],
    ['video_id None', { video_url: null, video_id: 'None' }, /^video_id: is "None", which means the video upload failed/],
    [
      'spark identity',
      { video_url: null, tiktok_item_id: '7301234567890123456', identity_type: 'BC_AUTH_TT' },
      /^identity_type: is BC_AUTH_TT, but a Spark ad/,
    ],
    ['deeplink_type alone', { deeplink_type: 'NORMAL' }, /^deeplink_type: is set but there is no deeplink/],
    ['fallback_type alone', { fallback_type: 'WEB_LANDING' }, /^fallback_type: is set but there is no deeplink/],
    [
      'TEXT_ONLY with links',
      { disclaimer_text: 'T', disclaimer_clickable_texts: 'Terms|https://x.com/t', disclaimer_type: 'TEXT_ONLY' },
      /^disclaimer_type: is TEXT_ONLY, which cannot carry/,
    ],
    ['TEXT_LINK without links', { disclaimer_type: 'TEXT_LINK' }, /^disclaimer_type: is TEXT_LINK, which needs disclaimer_clickable_texts/],
    [
      'too many links',
      { disclaimer_clickable_texts: 'a|https://x.com/1\nb|https://x.com/2\nc|https://x.com/3\nd|https://x.com/4' },
      /^disclaimer_clickable_texts: has 4 links; TikTok allows at most 3/,
    ],
    [
      'link texts too long',
      { disclaimer_clickable_texts: `${'a'.repeat(25)}|https://x.com/1\n${'b'.repeat(16)}|https://x.com/2` },
      /link texts are 41 characters together/,
    ],
    ['bad link url', { disclaimer_clickable_texts: 'Terms|http://x.com/t' }, /^disclaimer_clickable_texts: link "Terms": "http:\/\/x.com\/t" uses http/],
    ['bad JSON', { disclaimer_clickable_texts: '[{"text": "a"' }, /starts like JSON but is not valid JSON/],
    ['IAS brand safety', { brand_safety_postbid_partner: 'IAS' }, /^brand_safety_postbid_partner: is IAS, which needs brand_safety_vast_url/],
    ['IAS viewability', { viewability_postbid_partner: 'ias' }, /^viewability_postbid_partner: is IAS, which needs viewability_vast_url/],
    ['pixel digits', { tracking_pixel_id: '12a' }, /^tracking_pixel_id: is "12a"; it must be a numeric ID/],
    ['boolean', { creative_authorized: 'maybe' }, /^creative_authorized: is "maybe"; use TRUE or FALSE/],
    ['big numeric ID', { adgroup_id: 1.78e18 }, /^adgroup_id: was stored as the number 1.78E\+18.*format the column as Text and re-enter the IDs/],
    ['scientific text ID', { advertiser_id: '7.00E+18' }, /^advertiser_id: is "7.00E\+18", an ID shown in scientific notation.*format the column as Text/],
    ['adgroup listed twice', { adgroup_id: '111|111' }, /^adgroup_id: lists ad group 111 twice/],
    ['invalid UTF-8', { ad_text: 'caf\ufffd' }, /^ad_text: holds bytes that are not valid UTF-8/],
    ['oversized cell', { ad_name: 'x'.repeat(40000) }, /^ad_name: is 40,000 characters long; no field takes more than 32,768/],
  ];
  for (const [name, fields, expected] of cases) {
    it(name, () => {
      const found = problems(fields);
      expect(
        found.some((p) => expected.test(p)),
        `${name}: ${JSON.stringify(found)}`,
      ).toBe(true);
    });
  }

  it('reports every problem of a row, not the first only', () => {
    const found = problems({ ad_text: 'x'.repeat(120) + '🔥', landing_page_url: 'http://e.com', call_to_action: 'GO', video_url: null });
    expect(found.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['ad_text', 'landing_page_url', 'call_to_action', 'video_url']));
    expect(found.filter((p) => p.startsWith('ad_text')).length).toBe(2);
  });

  it('warns, without invalidating, for corrected calls-to-action', () => {
    for (const [given, fixed] of [
      ['DOWNLOAD', 'DOWNLOAD_NOW'],
      ['install', 'INSTALL_NOW'],
      ['Buy Now', 'SHOP_NOW'],
    ] as const) {
      const v = check({ call_to_action: given });
      expect(v.problems).toEqual([]);
      expect(v.ads[0]!.call_to_action).toBe(fixed);
      expect(v.warnings[0]!.message).toMatch(new RegExp(`corrected to ${fixed}`));
    }
  });

  it('flags a value in a column with no header or beyond the header', () => {
    const rules: RowRules = {
      columns: mapColumns('t.csv', ['adgroup_id', '', 'ad_text', 'landing_page_url', 'video_url']),
      defaults: new Map(),
      runDate: 'd',
      maxCellChars: 100,
    };
    const v = validateRow({ row: 3, cells: ['1', 'stray', 'T', 'https://e.com/x', 'https://e.com/v.mp4', 'extra'] }, rules);
    expect(v.problems.map((p) => p.field)).toEqual(['column B', 'column F']);
  });
});

describe('text length as TikTok counts', () => {
  it('counts CJK twice, code points once', () => {
    expect(tiktokLength('abc')).toBe(3);
    expect(tiktokLength('咖啡')).toBe(4);
    expect(tiktokLength('カタカナ한글')).toBe(12);
    expect(tiktokLength('é')).toBe(1);
  });
  it('finds emoji but not ordinary typography', () => {
    expect(findEmoji('Coffee ☕')).toBe('☕');
    expect(findEmoji('Brand™ ® ©')).toBeUndefined();
    expect(findEmoji('👍🏽 ok')).toBeDefined();
  });
  it('suggests the nearest value, preferring prefixes', () => {
    expect(nearest('LEARN', ['LEARN_MORE', 'READ_MORE'])).toBe('LEARN_MORE');
  });
});

// Sources: Adspirer's add_tiktok_ad tool page (DV, IAS, MOAT; NORMAL, DEFERRED; APP_INSTALL,
// WEB_LANDING; ENABLE, DISABLE; BC_AUTH_TT, TT_USER) and TikTok's Marketing API v1.3 SDK enums
// (DOUBLE_VERIFY, ZEFR; DEFERRED_DEEPLINK; WEBSITE; ON, OFF; AUTH_CODE).
describe('rules from both sources: accepted, sent as written, warned where no source is sure', () => {
  const warned = (fields: Record<string, Cell>) => {
    const v = check(fields);
    return { problems: v.problems.map((p) => `${p.field}: ${p.message}`), warnings: v.warnings.map((p) => `${p.field}: ${p.message}`), args: v.ads[0] };
  };
  it.each([
    ['brand_safety_postbid_partner', 'DOUBLE_VERIFY', 'DV, IAS, MOAT'],
    ['brand_safety_postbid_partner', 'ZEFR', 'DV, IAS, MOAT'],
    ['deeplink_type', 'DEFERRED_DEEPLINK', 'NORMAL, DEFERRED'],
    ['fallback_type', 'WEBSITE', 'APP_INSTALL, WEB_LANDING'],
    ['dark_post_status', 'ON', 'ENABLE, DISABLE'],
    ['identity_type', 'AUTH_CODE', 'BC_AUTH_TT, TT_USER'],
  ])("%s %s (TikTok's SDK enum) is accepted with a warning", (field, value, listed) => {
    const extra: Record<string, Cell> = field === 'deeplink_type' || field === 'fallback_type' ? { deeplink: 'myapp://p/1' } : {};
    const r = warned({ [field]: value, ...extra });
    expect(r.problems).toEqual([]);
    expect(r.args?.[field]).toBe(value);
    expect(r.warnings).toEqual([`${field}: ${value} is TikTok's own spelling, not on Adspirer's tool page (${listed}); it is sent as written`]);
  });
  it('a Google Drive page and a Dropbox ?dl=0 link become their direct downloads, with a warning; nothing else is rewritten', () => {
    const drive = warned({ video_url: 'https://drive.google.com/file/d/1AbC-xyz_9/view?usp=sharing' });
    expect(drive.args?.video_url).toBe('https://drive.google.com/uc?export=download&id=1AbC-xyz_9');
    expect(drive.warnings[0]).toMatch(/^video_url: was a Google Drive page, which Adspirer cannot download; its direct link/);
    const box = warned({ video_url: null, image_urls: 'https://www.dropbox.com/s/abc/1.jpg?dl=0|https://c.com/2.jpg' });
    expect(box.args?.image_urls).toEqual(['https://www.dropbox.com/s/abc/1.jpg?dl=1', 'https://c.com/2.jpg']);
    expect(warned({ video_url: 'https://drive.google.com/drive/folders/abc' }).args?.video_url).toBe('https://drive.google.com/drive/folders/abc');
  });
  it('a tracking URL over http warns (only the landing page must be https); Korean that is too long only if it counts two warns', () => {
    const http = warned({ click_tracking_url: 'http://track.example.com/c?id=1' });
    expect(http.problems).toEqual([]);
    expect(http.warnings).toEqual(['click_tracking_url: uses http, not https; it is sent as written (an https link is safer for a tracking pixel)']);
    const korean = warned({ ad_text: '커피'.repeat(30) });
    expect(korean.problems).toEqual([]);
    expect(korean.warnings[0]).toMatch(/^ad_text: is 60 characters, or 120 if TikTok counts Korean characters as two/);
  });
});

describe('validateRow: several ad groups in one row', () => {
  it('each ad is its own argument set: --ad-name renders with its own ad group', () => {
    const v = check({ adgroup_id: '1780000000000000101|1780000000000000102' }, { adName: parseAdNameTemplate('{adgroup_id} - {row}') });
    expect(v.ads.map((a) => [a.adgroup_id, a.ad_name])).toEqual([
      ['1780000000000000101', '1780000000000000101 - 5'],
      ['1780000000000000102', '1780000000000000102 - 5'],
    ]);
  });
});

describe('validateSheet', () => {
  it('duplicates are decided in input order: the first of identical rows is the original, each later one names it', async () => {
    const a = '1,T,https://e.com/a,https://e.com/v.mp4';
    const b = '1,U,https://e.com/a,https://e.com/v.mp4';
    const path = await tempFile('order.csv', ['adgroup_id,ad_text,landing_page_url,video_url', b, a, b, a, a].join('\n'));
    const seen = [];
    for await (const ad of validateSheet(await openSheet(path)))
      seen.push([ad.row, ad.key !== undefined, ad.problems.map((p) => p.message.slice(0, 19)).join()]);
    expect(seen).toEqual([
      [2, true, ''],
      [3, true, ''],
      [4, false, 'duplicate of row 2:'],
      [5, false, 'duplicate of row 3:'],
      [6, false, 'duplicate of row 3:'],
    ]);
  });

  it('a CSV that cannot be parsed part-way: every row before the failure is checked and reported, then the run ends there', async () => {
    const good = Array.from({ length: 30 }, (_, i) => `17800000000000001${String(i).padStart(2, '0')},Coffee ${i},https://e.com/${i},https://e.com/${i}.mp4`);
    const path = await tempFile(
      'unclosed.csv',
      ['adgroup_id,ad_text,landing_page_url,video_url', ...good, '1780000000000000199,"never closed,https://e.com/z,https://e.com/z.mp4', ...good].join('\n'),
    );
    const rows: number[] = [];
    const err = await (async () => {
      for await (const ad of validateSheet(await openSheet(path))) rows.push(ad.row);
    })().catch((e: unknown) => e);
    expect((err as RunError).message).toMatch(/a quoted cell that starts at row 32 is never closed/);
    expect(rows).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
  });

  it('marks a row identical to an earlier one as a duplicate unless allowed, with distinct keys when allowed', async () => {
    const csv = 'adgroup_id,ad_text,landing_page_url,video_url\n1,T,https://e.com/a,https://e.com/v.mp4\n1,T,https://e.com/a,https://e.com/v.mp4\n';
    const path = await tempFile('d.csv', csv);
    const strict = [];
    for await (const ad of validateSheet(await openSheet(path))) strict.push(ad);
    expect(strict[1]!.problems[0]!.message).toMatch(/^duplicate of row 2/);
    const loose = [];
    for await (const ad of validateSheet(await openSheet(path), { allowDuplicates: true })) loose.push(ad);
    expect(loose[1]!.problems).toEqual([]);
    expect(loose[0]!.key).not.toBe(loose[1]!.key);
  });

  it('validates the fixture campaigns in every encoding and format alike', async () => {
    const results: string[][] = [];
    for (const f of ['campaign.csv', 'campaign.xlsx', 'campaign-semicolon.csv', 'campaign-utf16.txt']) {
      const keys: string[] = [];
      for await (const ad of validateSheet(await openSheet(`fixtures/${f}`))) {
        expect(ad.problems, `${f} row ${ad.row}`).toEqual([]);
        keys.push(ad.key!);
      }
      expect(keys).toHaveLength(20);
      results.push(keys);
    }
    // Same content, same keys, whatever the file format.
    for (const r of results) expect(r).toEqual(results[0]);
  });

  it('flags every ID of an xlsx whose ID columns are numbers', async () => {
    for await (const ad of validateSheet(await openSheet('fixtures/campaign-numeric-ids.xlsx'))) {
      expect(ad.problems.map((p) => p.field)).toEqual(expect.arrayContaining(['adgroup_id', 'advertiser_id']));
      expect(ad.problems[0]!.message).toMatch(/format the column as Text/);
    }
  });

  it('finds the mistakes of the broken fixture, the same in CSV and XLSX', async () => {
    const byFormat: string[][] = [];
    for (const f of ['campaign-broken.csv', 'campaign-broken.xlsx']) {
      const lines: string[] = [];
      for await (const ad of validateSheet(await openSheet(`fixtures/${f}`))) {
        lines.push(`${ad.row} ${ad.args ? 'valid' : 'invalid'} ${ad.problems.map((p) => p.field).join(',')}`);
      }
      byFormat.push(lines);
    }
    expect(byFormat[0]).toEqual(byFormat[1]);
    expect(byFormat[0]!.filter((l) => l.includes(' valid'))).toEqual(['2 valid ', '8 valid ']);
  });
});

describe('property: the validator returns exactly one verdict per row and never throws', () => {
  it('holds for arbitrary cells', () => {
    const header = [
      'adgroup_id',
      'ad_text',
      'landing_page_url',
      'video_url',
      'image_urls',
      'call_to_action',
      'creative_authorized',
      'disclaimer_clickable_texts',
      'tracking_pixel_id',
    ];
    const columns = mapColumns('p.csv', header);
    const cell = fc.oneof(fc.constant(null), fc.string(), fc.double(), fc.boolean(), fc.integer(), fc.date({ noInvalidDate: true }));
    fc.assert(
      fc.property(fc.array(cell, { minLength: 0, maxLength: header.length + 2 }), (cells) => {
        const v = validateRow({ row: 2, cells }, { columns, defaults: new Map(), runDate: 'd', maxCellChars: 1000 });
        expect(v.row).toBe(2);
        expect(v.ads.length > 0 !== v.problems.length > 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('xlsx cell kinds, as LibreOffice writes them (fixtures/cell-kinds.xlsx)', () => {
  it('reads rich text, hyperlinks, formulas, booleans, dates and numbers; skips a blank first sheet and formatted empty rows', async () => {
    const sheet = await openSheet('fixtures/cell-kinds.xlsx');
    expect(sheet.sheetName).toBe('Ads');
    const ads = [];
    for await (const ad of validateSheet(sheet)) ads.push(ad);
    expect(ads).toHaveLength(2);
    expect(ads[0]!.args).toEqual({
      adgroup_id: '1780000000000000101',
      ad_text: 'Fresh coffee beans',
      landing_page_url: 'https://beanthere.example.com/a',
      video_url: 'https://cdn.example.com/v1.mp4',
      creative_authorized: true,
      ad_name: '2026-12-01',
      display_name: 'Bean There',
      tracking_pixel_id: '123456',
    });
    expect(ads[1]!.args).toMatchObject({ creative_authorized: false, ad_name: '42', display_name: 'Bean There' });
  });
  it('--sheet picks a sheet by name, and names the sheets when it is not there', async () => {
    await expect(openSheet('fixtures/cell-kinds.xlsx', { sheet: 'Nope' })).rejects.toThrow(/has no sheet named "Nope"; its sheets are "Cover", "Ads"/);
    await expect(openSheet('fixtures/cell-kinds.xlsx', { sheet: 'Cover' })).rejects.toThrow(/sheet "Cover" is empty/);
  });
});

describe('the field catalogue is the one source of what a field is', () => {
  it("the README's field table is the catalogue's, word for word", () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain(`\n${fieldTable()}\n`);
    expect(fieldTable().split('\n')).toHaveLength(FIELDS.length + 2);
  });

  it('a text rule says what the validator does: Korean counts two only where the rule says so', () => {
    const rules = (name: string) => FIELD_BY_NAME.get(name)!.text!;
    expect(limitText(FIELD_BY_NAME.get('ad_text')!)).toBe('1–100 characters (Chinese and Japanese count two), no emoji');
    expect(limitText(FIELD_BY_NAME.get('display_name')!)).toBe('at most 40 characters (Chinese, Japanese and Korean count two)');
    // 30 Hangul syllables: 30 where Korean counts one, 60 where it counts two.
    const korean = '가'.repeat(30);
    expect(tiktokLength(korean, rules('ad_text').koreanAsTwo)).toBe(30);
    expect(tiktokLength(korean, rules('display_name').koreanAsTwo)).toBe(60);
  });
});

describe('IDs as people type them', () => {
  it('an ID typed with thousands separators is one ID, not a list of ad groups: invalid, saying how to fix it', () => {
    for (const typed of ['1,798,765,432,109,876,545', '1.798.765.432.109.876.545', '1 798 765 432 109 876 545', "1'798'765'432'109'876'545"]) {
      const v = check({ adgroup_id: typed });
      expect(v.ads, typed).toEqual([]);
      expect(v.problems, typed).toEqual([
        {
          field: 'adgroup_id',
          code: 'adgroup_id.thousands_separators',
          message: `is ${typed}, one ID typed with thousands separators; remove them (format the column as Text) so that it reads 1798765432109876545`,
        },
      ]);
    }
    expect(check({ advertiser_id: '7,000,000,000,000,000,001' }).problems[0]!.message).toMatch(/one ID typed with thousands separators/);
    // A list of well-formed IDs is still a list.
    expect(check({ adgroup_id: '1780000000000000101,1780000000000000202' }).ads).toHaveLength(2);
  });

  it("Excel's text marker before an ID is removed, with a warning", () => {
    const v = check({ adgroup_id: "'1780000000000000101" });
    expect(v.problems).toEqual([]);
    expect(v.ads[0]!.adgroup_id).toBe('1780000000000000101');
    expect(v.warnings).toEqual([{ field: 'adgroup_id', code: 'adgroup_id.text_marker_removed', message: "the leading ' (Excel's mark for text) was removed" }]);
    expect(check({ advertiser_id: '’7000000000000000001' }).ads[0]!.advertiser_id).toBe('7000000000000000001');
  });

  it('a sheet pasted from the web with both, read from its file', async () => {
    const ads: PlannedAd[] = [];
    for await (const ad of validateSheet(await openSheet('fixtures/realworld/typed-ids.csv'))) ads.push(ad);
    expect(ads.map((a) => [a.row, a.key !== undefined, a.problems.map((p) => p.message.slice(0, 40))])).toEqual([
      [2, false, ['is 1,798,765,432,109,876,545, one ID typ']],
      [3, true, []],
    ]);
  });
});

describe("a misspelled column is an error, not a column of the user's own", () => {
  it('two slips from a field name, a swap of neighbouring letters counting one, names the field meant', () => {
    expect(() => mapColumns('x.csv', ['adgroup_id', 'ad_text', 'dispaly_nmae'])).toThrow(
      /column C "dispaly_nmae" is not a field of add_tiktok_ad \(did you mean display_name\?\)/,
    );
    expect(() => mapColumns('x.csv', ['adgroup_id', 'ad_txet'])).toThrow(/did you mean ad_text\?/);
    // A user's own columns stay their own, carried into the report.
    expect(mapColumns('x.csv', ['adgroup_id', 'Notes', 'Client', 'Owner']).extras).toEqual(['Notes', 'Client', 'Owner']);
  });
  it('typoDistance counts a swap as one edit', () => {
    expect(typoDistance('dispalynmae', 'displayname')).toBe(2);
    expect(typoDistance('abcd', 'abdc')).toBe(1);
    expect(typoDistance('abc', 'abc')).toBe(0);
    expect(typoDistance('', 'ab')).toBe(2);
  });
});

describe('disclaimer pairs as people join them', () => {
  it('pairs joined by ";" on one line are read as pairs, as lists are', () => {
    const v = check({
      disclaimer_type: 'TEXT_LINK',
      disclaimer_text: 'See terms',
      disclaimer_clickable_texts: 'Terms|https://e.com/t; Privacy|https://e.com/p',
    });
    expect(v.problems).toEqual([]);
    expect(v.ads[0]!.disclaimer_clickable_texts).toEqual([
      { text: 'Terms', url: 'https://e.com/t' },
      { text: 'Privacy', url: 'https://e.com/p' },
    ]);
  });
  it('a line that cannot be read says how to separate pairs', () => {
    const v = check({
      disclaimer_type: 'TEXT_LINK',
      disclaimer_text: 'See terms',
      disclaimer_clickable_texts: 'Terms|https://e.com/t Privacy|https://e.com/p',
    });
    expect(v.problems[0]!.message).toMatch(/is not a text\|url pair; write one "text\|https:\/\/…" pair per line, or separate pairs with ";"/);
  });
});

describe('text pasted from documents', () => {
  it('line and paragraph separators (U+2028, U+2029) become line breaks', () => {
    const v = check({ ad_text: 'Fresh coffee\u2028Roasted this week\u2029Order now' });
    expect(v.problems).toEqual([]);
    expect(v.ads[0]!.ad_text).toBe('Fresh coffee\nRoasted this week\nOrder now');
  });
});

describe('problem codes: stable, one per kind of problem', () => {
  const codes = (fields: Record<string, Cell>, extra: Partial<RowRules> = {}) => check(fields, extra).problems.map((p) => p.code);
  const warningCodes = (fields: Record<string, Cell>) => check(fields).warnings.map((p) => p.code);

  it('each kind of problem has its own code, naming the field', () => {
    expect(codes({ ad_text: 'x'.repeat(101) })).toEqual(['ad_text.too_long']);
    expect(codes({ ad_text: 'Coffee ☕' })).toEqual(['ad_text.emoji']);
    expect(codes({ ad_text: null })).toEqual(['ad_text.missing']);
    expect(codes({ video_url: null })).toEqual(['video_url.no_creative']);
    expect(codes({ image_ids: '123' })).toEqual(['image_ids.several_creatives']);
    expect(codes({ call_to_action: 'BUY_IT' })).toEqual(['call_to_action.not_allowed']);
    expect(codes({ identity_type: 'CUSTOMIZED_USER' })).toEqual(['identity_type.retired']);
    expect(codes({ adgroup_id: '1780000000000000000' })).toEqual(['adgroup_id.rounded']);
    expect(codes({ adgroup_id: '1.78E+18' })).toEqual(['adgroup_id.scientific']);
    expect(codes({ adgroup_id: 1.78e18 })).toEqual(['adgroup_id.unsafe_number']);
    expect(codes({ adgroup_id: '1,798,765,432,109,876,545' })).toEqual(['adgroup_id.thousands_separators']);
    expect(codes({ adgroup_id: '1780000000000000101|1780000000000000101' })).toEqual(['adgroup_id.listed_twice']);
    expect(codes({ adgroup_id: '12a' })).toEqual(['adgroup_id.not_digits']);
    expect(codes({ creative_authorized: 'maybe' })).toEqual(['creative_authorized.not_boolean']);
    expect(codes({ landing_page_url: 'http://example.com' })).toEqual(['landing_page_url.not_https']);
    expect(codes({ landing_page_url: 'example.com' })).toEqual(['landing_page_url.not_url']);
    expect(codes({ landing_page_url: 'https://localhost/a' })).toEqual(['landing_page_url.no_host']);
    expect(codes({ deeplink: 'javascript://x' })).toEqual(['deeplink.unsafe_scheme']);
    expect(codes({ card_id: '5', video_url: null })).toEqual(['card_id.needs_other']);
    expect(codes({ disclaimer_type: 'TEXT_LINK' })).toEqual(['disclaimer_type.needs_other']);
    expect(codes({ disclaimer_clickable_texts: 'Terms https://e.com/t' })).toEqual(['disclaimer_clickable_texts.bad_pair']);
    expect(codes({ disclaimer_clickable_texts: '[{"text": 1}]' })).toEqual(['disclaimer_clickable_texts.bad_json_item']);
    expect(codes({ video_url: null, tiktok_item_id: '77' })).toEqual(['identity_type.spark_identity', 'identity_id.spark_identity']);
    expect(codes({ ad_text: '#N/A' })).toEqual(['ad_text.spreadsheet_error']);
    expect(codes({ ad_text: 'x'.repeat(50) }, { maxCellChars: 40 })).toEqual(['ad_text.cell_too_long']);
  });

  it('warnings have codes too, one per thing worth a look', () => {
    expect(warningCodes({ call_to_action: 'shop-now!' }).length).toBeLessThanOrEqual(1);
    expect(warningCodes({ call_to_action: 'download' })).toEqual(['call_to_action.corrected']);
    expect(warningCodes({ adgroup_id: "'1780000000000000101" })).toEqual(['adgroup_id.text_marker_removed']);
    expect(warningCodes({ adgroup_id: '1780000000000000101\u200b' })).toEqual(['adgroup_id.invisible_removed']);
    // Two findings in one cell are two warnings, each with its code.
    expect(warningCodes({ adgroup_id: "'1780000000000000101, 1780000000000000102\u200b" })).toEqual([
      'adgroup_id.invisible_removed',
      'adgroup_id.text_marker_removed',
      'adgroup_id.loose_separators',
    ]);
    expect(warningCodes({ video_url: 'https://drive.google.com/file/d/abc/view' })).toEqual(['video_url.direct_link']);
  });

  it('a duplicate row and a column without a name have row and column codes', async () => {
    const path = await tempFile(
      'd.csv',
      'adgroup_id,ad_text,landing_page_url,video_url,\n1,a,https://e.com/a,https://c.example.com/v.mp4,\n1,a,https://e.com/a,https://c.example.com/v.mp4,stray\n',
    );
    const sheet = await openSheet(path);
    const ads: PlannedAd[] = [];
    for await (const ad of validateSheet(sheet)) ads.push(ad);
    expect(ads[1]!.problems.map((p) => p.code)).toEqual(['column.unnamed']);
    const dup = await tempFile(
      'e.csv',
      'adgroup_id,ad_text,landing_page_url,video_url\n1,a,https://e.com/a,https://c.example.com/v.mp4\n1,a,https://e.com/a,https://c.example.com/v.mp4\n',
    );
    const again: PlannedAd[] = [];
    for await (const ad of validateSheet(await openSheet(dup))) again.push(ad);
    expect(again[1]!.problems.map((p) => p.code)).toEqual(['row.duplicate']);
  });

  it('every kind in the list is made somewhere in src/, and the README lists them all', () => {
    // The files themselves, not git's list: mutation testing runs this in a copy outside git.
    const src = readdirSync('src', { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('problem-codes.ts'))
      .map((f) => readFileSync(join('src', f), 'utf8'))
      .join('\n');
    // Either quote: Stryker's instrumented copy of a file writes its strings in double quotes.
    const unused = Object.keys(PROBLEM_KINDS).filter((kind) => !src.includes(`'${kind}'`) && !src.includes(`"${kind}"`));
    expect(unused).toEqual([]);
    expect(readFileSync('README.md', 'utf8')).toContain(`\n${problemKindTable()}\n`);
  });

  it('a code is its subject and kind: a field, row, or column', () => {
    expect(problemCode('image_urls #2', 'wrong_type')).toBe('image_urls.wrong_type');
    expect(problemCode('column C', 'unnamed')).toBe('column.unnamed');
    expect(problemCode('row', 'duplicate')).toBe('row.duplicate');
  });
});

describe("the schema over a sheet's own fields is the full schema", () => {
  it('gives the same verdicts, issue for issue, as the schema of all 45 fields', () => {
    const candidates: Record<string, unknown>[] = [
      { adgroup_id: '1780000000000000101', ad_text: 'Coffee', landing_page_url: 'https://e.com/a', video_url: 'https://c.com/v.mp4' },
      { adgroup_id: '1780000000000000101', landing_page_url: 'https://e.com/a' },
      { adgroup_id: 'x1', ad_text: 'x'.repeat(120), landing_page_url: 'http://e.com', video_url: 'https://c.com/v.mp4', image_urls: ['https://c.com/i.jpg'] },
      { adgroup_id: '1', ad_text: 'Spark', landing_page_url: 'https://e.com/a', tiktok_item_id: '77', identity_type: 'BC_AUTH_TT' },
      { adgroup_id: '1', ad_text: 'T', landing_page_url: 'https://e.com/a', card_id: '5', disclaimer_type: 'TEXT_LINK', deeplink_type: 'NORMAL' },
      { adgroup_id: '1', ad_text: 'T', landing_page_url: 'https://e.com/a', video_id: 'None', call_to_action: 'NOPE', ad_name: 'n' },
      {
        adgroup_id: '1',
        ad_text: 'T',
        landing_page_url: 'https://e.com/a',
        video_url: 'https://c.com/v.mp4',
        brand_safety_postbid_partner: 'IAS',
        creative_authorized: true,
      },
    ];
    const issues = (r: ReturnType<ReturnType<typeof addTiktokAdSchema>['safeParse']>) =>
      r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message, (i as { params?: { kind?: string } }).params?.kind]);
    for (const c of candidates) {
      const full = addTiktokAdSchema().safeParse(c);
      const picked = schemaFor([...Object.keys(c), 'ad_name']).safeParse(c);
      expect(picked.success, JSON.stringify(c)).toBe(full.success);
      expect(issues(picked)).toEqual(issues(full));
      if (full.success && picked.success) expect(picked.data).toEqual(full.data);
    }
  });
});

describe('validate FILE, in-process: the options a user passes and the lines they read', () => {
  const rounded = '1780000000000000000,Rounded ID,https://example.com/a,https://cdn.example.com/v.mp4';

  it('a repeated row and an ID Excel rounded are invalid; --allow-duplicates and --trust-ids let each through', async () => {
    const file = await tempFile('opts.csv', [HEADER, VALID_ROW, VALID_ROW, rounded].join('\n'));
    const by = async (options: { allowDuplicates?: boolean; trustIds?: boolean }) =>
      (await validateFile({ file, ...options })).problems!.filter((p) => p.level === 'error').map((p) => [p.row, p.field]);
    expect(await by({})).toEqual([
      [3, 'row'],
      [4, 'adgroup_id'],
    ]);
    expect(await by({ allowDuplicates: true })).toEqual([[4, 'adgroup_id']]);
    expect(await by({ trustIds: true })).toEqual([[3, 'row']]);
    expect(await by({ allowDuplicates: true, trustIds: true })).toEqual([]);
  });

  it('says how many ads, in the singular too, how many warnings, and where the report is (an .xlsx sheet named Validation)', async () => {
    const dir = await tempDir();
    const one = await tempFile('one.csv', [HEADER, VALID_ROW].join('\n'));
    const io = bufferIo();
    await validateFile({ file: one }, io);
    expect(io.stderr.join('')).toBe(`${one}: 1 ad checked, 1 valid, 0 invalid.\n`);

    const zwsp = '\u200b';
    const invisible = `17800000000000001${zwsp}02,Coffee,https://example.com/b${zwsp},https://cdn.example.com/v.mp4`;
    const two = await tempFile('two.csv', [HEADER, VALID_ROW, invisible].join('\n'));
    const report = join(dir, 'two.xlsx');
    const io2 = bufferIo();
    const summary = await validateFile({ file: two, report }, io2);
    expect(summary).toMatchObject({ report, rows: 2, counts: { valid: 2, invalid: 0 }, exit_code: 0, stopped: null });
    const err = io2.stderr.join('');
    expect(err).toContain(`${two}: 2 ads checked, 2 valid, 0 invalid, 2 warnings (values corrected or worth a look).\n`);
    expect(err.endsWith(`Report: ${report}\n`)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(report);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Validation']);

    const single = await tempFile('single.csv', [HEADER, `17800000000000001${zwsp}03,Coffee,https://example.com/c,https://cdn.example.com/v.mp4`].join('\n'));
    const io3 = bufferIo();
    await validateFile({ file: single }, io3);
    expect(io3.stderr.join('')).toContain(`${single}: 1 ad checked, 1 valid, 0 invalid, 1 warning (values corrected or worth a look).\n`);
    // No report asked for: no Report line.
    expect(io3.stderr.join('')).not.toContain('Report:');
  });

  it('Ctrl-C: it stops at once, says how far it got, and ends 130', async () => {
    const file = await tempFile('stop.csv', [HEADER, VALID_ROW, VALID_ROW.replace('Fresh', 'Hot')].join('\n'));
    const controller = new AbortController();
    const io = bufferIo();
    const heard: number[] = [];
    const summary = await validateFile(
      {
        file,
        signal: controller.signal,
        onRow: (r) => {
          heard.push(r.row);
          controller.abort();
        },
      },
      io,
    );
    expect(heard).toEqual([2]);
    expect(summary).toMatchObject({ rows: 1, stopped: 'interrupted', exit_code: 130 });
    expect(io.stderr.join('')).toContain(`${file}: 1 ad checked before Ctrl-C, 1 valid, 0 invalid.\n`);
    // Aborted while links would be gathered: none is checked, the run still ends 130.
    const early = await validateFile({ file, signal: AbortSignal.abort(), checkLinks: true });
    expect(early).toMatchObject({ rows: 0, stopped: 'interrupted', exit_code: 130 });
  });

  it('--ad-name names every valid ad: the name is part of what is sent, so of its Idempotency-Key', async () => {
    const file = await tempFile('named.csv', [HEADER, VALID_ROW].join('\n'));
    const keys = async (adName?: string) => {
      const heard: (string | undefined)[] = [];
      await validateFile({ file, ...(adName ? { adName } : {}), onRow: (r) => heard.push(r.key) });
      return heard;
    };
    const [plain] = await keys();
    const [named] = await keys('Spring {row}');
    expect(plain).toMatch(/^[0-9a-f-]{36}$/);
    expect(named).toMatch(/^[0-9a-f-]{36}$/);
    expect(named).not.toBe(plain);
    expect(await keys('Spring {row}')).toEqual([named]);
  });
});

describe('coerceCell at the edges of IDs and ID lists', () => {
  const f = (name: string) => FIELD_BY_NAME.get(name)!;
  const ROUNDED =
    'which looks rounded by a spreadsheet: Excel keeps 15 significant digits, so an ID typed as a number loses its last 4 digits to zeros. Format the column as Text and re-enter the IDs (a spreadsheet that stores a long ID as a number has already changed its last digits). If the ID really ends in 4 zeros, pass --trust-ids';
  it("an ID with Excel's text mark keeps the ID and says the mark went; a list of ad groups is judged item by item", () => {
    expect(coerceCell(f('adgroup_id'), "'1780000000000000101")).toEqual({
      ok: true,
      value: '1780000000000000101',
      warnings: [{ kind: 'text_marker_removed', message: "the leading ' (Excel's mark for text) was removed" }],
    });
    expect(coerceCell(f('adgroup_id'), '1780000000000000101|1780000000000000000')).toEqual({
      ok: false,
      kind: 'rounded',
      message: `lists ad group 1780000000000000000: ${ROUNDED}`,
    });
    expect(coerceCell(f('adgroup_id'), '1780000000000000101|1780000000000000000', true)).toEqual({
      ok: true,
      value: '1780000000000000101|1780000000000000000',
    });
    expect(coerceCell(f('adgroup_id'), '1780000000000000101, 1780000000000000102')).toEqual({
      ok: true,
      value: '1780000000000000101|1780000000000000102',
      warnings: [{ kind: 'loose_separators', message: 'was split at commas or semicolons; | or new lines are the separators to use' }],
    });
  });

  it('a stray separator around one ad group is that ad group; separators alone are an empty cell', () => {
    for (const cell of ['1780000000000000101|', '|1780000000000000101||', '1780000000000000101\n|'])
      expect(coerceCell(f('adgroup_id'), cell), JSON.stringify(cell)).toEqual({ ok: true, value: '1780000000000000101' });
    expect(coerceCell(f('adgroup_id'), '1780000000000000000|')).toEqual({ ok: false, kind: 'rounded', message: `is 1780000000000000000, ${ROUNDED}` });
    for (const cell of ['|', ' | \n']) expect(coerceCell(f('adgroup_id'), cell), JSON.stringify(cell)).toEqual({ ok: true, value: undefined });
    expect(coerceCell(f('adgroup_id'), null)).toEqual({ ok: true, value: undefined });
  });

  it('image IDs: a number cannot hold one exactly, scientific notation is refused, a rounded item is named; --trust-ids keeps it', () => {
    const unsafe = coerceCell(f('image_ids'), 1780000000000000000);
    expect(unsafe).toMatchObject({ ok: false, kind: 'unsafe_number' });
    expect(coerceCell(f('image_ids'), 12345)).toEqual({ ok: true, value: ['12345'] });
    expect(coerceCell(f('image_ids'), '1.78E+18|123')).toEqual({
      ok: false,
      kind: 'scientific',
      message:
        'holds "1.78E+18", an ID in scientific notation: format the column as Text and re-enter the IDs (a spreadsheet that stores a long ID as a number has already changed its last digits)',
    });
    expect(coerceCell(f('image_ids'), '1780000000000000000|1780000000000000101')).toEqual({
      ok: false,
      kind: 'rounded',
      message: `holds 1780000000000000000: ${ROUNDED}`,
    });
    expect(coerceCell(f('image_ids'), '1780000000000000000|1780000000000000101', true)).toEqual({
      ok: true,
      value: ['1780000000000000000', '1780000000000000101'],
    });
    expect(coerceCell(f('image_ids'), '|')).toEqual({ ok: true, value: undefined });
  });

  it('a value in a message is clipped at 60 characters, its invisible characters shown', () => {
    expect(clipValue('a\u200bb')).toBe('a<U+200B>b');
    expect(clipValue('x'.repeat(60))).toBe('x'.repeat(60));
    expect(clipValue('x'.repeat(61))).toBe(`${'x'.repeat(57)}…`);
  });
});

describe('the schema at the edges of IDs and the disclaimer', () => {
  it('an ID with spaces or far too long; image IDs with spaces; TEXT_ONLY without its text', () => {
    expect(problems({ video_url: null, video_id: 'v 123' })).toEqual(['video_id: is "v 123", which contains spaces; an ID has none']);
    expect(problems({ video_url: null, video_id: 'v'.repeat(257) })).toEqual([
      'video_id: is 257 characters long; an ID is much shorter. Is this the right column?',
    ]);
    expect(problems({ video_url: null, video_id: 'v'.repeat(256) })).toEqual([]);
    expect(problems({ video_url: null, image_ids: 'abc|d ef' })).toEqual(['image_ids: holds "d ef", which contains spaces; separate IDs with |']);
    expect(problems({ disclaimer_type: 'TEXT_ONLY' })).toEqual([
      'disclaimer_type: is TEXT_ONLY but there is no disclaimer_text; add the text or clear disclaimer_type',
    ]);
    expect(problems({ disclaimer_type: 'TEXT_ONLY', disclaimer_text: 'Terms apply' })).toEqual([]);
  });
});

describe('coerceCell, kind by kind: each finding with its code and its words', () => {
  const f = (name: string) => FIELD_BY_NAME.get(name)!;
  const cases: [string, string, Cell, unknown][] = [
    [
      'a formula that failed',
      'ad_text',
      ' #REF! ',
      { ok: false, kind: 'spreadsheet_error', message: 'is the spreadsheet error #REF!: the formula in this cell failed. Fix the formula, or type the value' },
    ],
    [
      'bytes that are not UTF-8',
      'ad_text',
      'bad \uFFFD byte',
      { ok: false, kind: 'not_utf8', message: 'holds bytes that are not valid UTF-8 text; save the file as "CSV UTF-8" and try again' },
    ],
    [
      'a NUL byte',
      'ad_text',
      'nul\u0000byte',
      { ok: false, kind: 'nul_byte', message: 'holds a NUL byte, so this part of the file is damaged; retype the cell' },
    ],
    ['an ID kept as a small number', 'video_id', 12345, { ok: true, value: '12345' }],
    [
      'Korean text that fits unless Korean counts two',
      'ad_text',
      '안녕하세요'.repeat(15),
      {
        ok: true,
        value: '안녕하세요'.repeat(15),
        warnings: [
          {
            kind: 'korean_count',
            message:
              'is 75 characters, or 150 if TikTok counts Korean characters as two (no source says whether it does; the limit is 100); it is sent as it is',
          },
        ],
      },
    ],
    ['Korean text at exactly the limit either way', 'ad_text', '안녕하세요'.repeat(10), { ok: true, value: '안녕하세요'.repeat(10) }],
    [
      'a Google Drive page',
      'video_url',
      'https://drive.google.com/file/d/abc_DEF-1/view?usp=sharing',
      {
        ok: true,
        value: 'https://drive.google.com/uc?export=download&id=abc_DEF-1',
        warnings: [
          {
            kind: 'direct_link',
            message:
              'was a Google Drive page, which Adspirer cannot download; its direct link https://drive.google.com/uc?export=download&id=abc_DEF-1 is used',
          },
        ],
      },
    ],
    [
      'a Dropbox page',
      'image_urls',
      'https://www.dropbox.com/s/x/a.jpg?dl=0',
      {
        ok: true,
        value: ['https://www.dropbox.com/s/x/a.jpg?dl=1'],
        warnings: [
          {
            kind: 'direct_link',
            message: 'was a Dropbox page, which Adspirer cannot download; its direct link https://www.dropbox.com/s/x/a.jpg?dl=1 is used',
          },
        ],
      },
    ],
    ['a Dropbox download link', 'video_url', 'https://dropbox.com/s/x/v.mp4?dl=1', { ok: true, value: 'https://dropbox.com/s/x/v.mp4?dl=1' }],
    [
      'a Drive link on a landing page, left as it is',
      'landing_page_url',
      'https://drive.google.com/file/d/abc/view',
      { ok: true, value: 'https://drive.google.com/file/d/abc/view' },
    ],
    ['scheme and host in capitals', 'video_url', 'HTTPS://CDN.Example.COM/V.mp4', { ok: true, value: 'https://cdn.example.com/V.mp4' }],
    [
      'an ID with thousands separators',
      'tracking_pixel_id',
      '1,234,567,890',
      {
        ok: false,
        kind: 'thousands_separators',
        message: 'is 1,234,567,890, one ID typed with thousands separators; remove them (format the column as Text) so that it reads 1234567890',
      },
    ],
    ['fewer than 10 digits in groups: not taken for one ID', 'tracking_pixel_id', '123,456', { ok: true, value: '123,456' }],
    [
      'a negative number',
      'adgroup_id',
      -5,
      {
        ok: false,
        kind: 'unsafe_number',
        message:
          'was stored as the number -5, which cannot hold the ID exactly: format the column as Text and re-enter the IDs (a spreadsheet that stores a long ID as a number has already changed its last digits)',
      },
    ],
    [
      'a 16-digit ID ending in a zero',
      'adgroup_id',
      '1780000000000000',
      {
        ok: false,
        kind: 'rounded',
        message:
          'is 1780000000000000, which looks rounded by a spreadsheet: Excel keeps 15 significant digits, so an ID typed as a number loses its last digit to a zero. Format the column as Text and re-enter the IDs (a spreadsheet that stores a long ID as a number has already changed its last digits). If the ID really ends in a zero, pass --trust-ids',
      },
    ],
    ['an ID whose last digits are not all zeros', 'adgroup_id', '1780000000000000010', { ok: true, value: '1780000000000000010' }],
    ['an ID after "id:"', 'adgroup_id', 'id: 1780000000000000101', { ok: true, value: '1780000000000000101' }],
    [
      'invisible characters in an ID',
      'adgroup_id',
      '\u200b1780000000000000101\u00a0',
      {
        ok: true,
        value: '1780000000000000101',
        warnings: [{ kind: 'invisible_removed', message: 'held invisible characters (zero-width space, non-breaking space), which were removed' }],
      },
    ],
    [
      'an invisible character with no name',
      'identity_id',
      'abc\u2060',
      {
        ok: true,
        value: 'abc',
        warnings: [{ kind: 'invisible_removed', message: 'held invisible characters (word joiner), which were removed' }],
      },
    ],
    [
      'invisible characters around a value that is still wrong',
      'creative_authorized',
      '\u200bmaybe',
      { ok: false, kind: 'not_boolean', message: 'is "maybe"; use TRUE or FALSE (yes/no and 1/0 also work)' },
    ],
    ['invisible characters in free text are its own', 'ad_text', 'a\u00a0b', { ok: true, value: 'a\u00a0b' }],
    ['a call to action in words', 'call_to_action', 'shop now', { ok: true, value: 'SHOP_NOW' }],
    ['a boolean in words', 'creative_authorized', 'Yes', { ok: true, value: true }],
    ['a real boolean', 'creative_authorized', true, { ok: true, value: true }],
  ];
  it.each(cases)('%s', (_name, field, cell, expected) => {
    expect(coerceCell(f(field), cell)).toEqual(expected);
  });
});

describe('validateRow: what a row holds beyond its fields, each with its code', () => {
  const H = ['adgroup_id', 'ad_text', 'landing_page_url', 'video_url'];
  const base: Cell[] = ['1780000000000000101', 'Coffee', 'https://e.com/a', 'https://e.com/v.mp4'];
  const row = (header: string[], cells: Cell[], notes?: Map<number, { shown?: string; link?: string; formula?: string }>) =>
    validateRow(
      { row: 7, cells, ...(notes ? { notes } : {}) },
      { columns: mapColumns('t.csv', header), defaults: new Map(), runDate: '2026-11-29', maxCellChars: 40 },
    );
  const found = (v: ReturnType<typeof validateRow>) => [...v.problems, ...v.warnings].map((p) => [p.code, p.field, p.message]);

  it('a value under no column name, past the header, or longer than any field takes', () => {
    expect(found(row([...H, ''], [...base, 'stray']))).toEqual([
      ['column.unnamed', 'column E', 'has a value but no column name in the header row; name the column or clear it'],
    ]);
    expect(found(row(H, [...base, 'x']))).toEqual([
      ['column.beyond_header', 'column E', 'has a value but the header has only 4 columns; move it into a named column or delete it'],
    ]);
    expect(found(row(H, [...base, null, 'x', 'y', 'z']))).toEqual([
      [
        'column.beyond_header',
        'column F',
        'and 2 more cells to its right have values but the header has only 4 columns; a stray delimiter or a row pasted one column off?',
      ],
    ]);
    const long = `https://e.com/${'v'.repeat(30)}`;
    expect(found(row(H, [...base.slice(0, 3), long]))).toEqual([
      ['video_url.cell_too_long', 'video_url', 'is 44 characters long; no field takes more than 40'],
    ]);
    expect(found(row(H, [...base.slice(0, 3), long.slice(0, 40)]))).toEqual([]);
    expect(found(row([...H, 'Notes'], [...base, 'n'.repeat(41)]))).toEqual([
      ['column.cell_too_long', 'column E', 'is 41 characters long; no field takes more than 40'],
    ]);
  });

  it('a formula never calculated; a link cell whose text is a label; a number typed into a text field, as the sheet shows it', () => {
    expect(found(row(H, [base[0]!, null, base[2]!, base[3]!], new Map([[1, { formula: 'A1&B1' }]])))).toEqual([
      [
        'ad_text.unsaved_formula',
        'ad_text',
        'is the formula =A1&B1 with no saved value (the workbook was saved without calculating it). Open it in Excel or LibreOffice, save it again, and re-run',
      ],
    ]);
    const labelled = row(H, [base[0]!, 'Coffee', 'Shop here', base[3]!], new Map([[2, { link: 'https://e.com/shop' }]]));
    expect(found(labelled)).toEqual([
      ['landing_page_url.link_label', 'landing_page_url', 'is the link label "Shop here"; its link https://e.com/shop is used'],
    ]);
    expect(labelled.ads[0]!.landing_page_url).toBe('https://e.com/shop');
    // A cell that shows a link itself keeps it, whatever its target says.
    const shown = row(H, [base[0]!, 'Coffee', 'https://e.com/label', base[3]!], new Map([[2, { link: 'https://e.com/other' }]]));
    expect([found(shown), shown.ads[0]!.landing_page_url]).toEqual([[], 'https://e.com/label']);
    // A link note on a text field is not a link to follow.
    expect(row(H, [base[0]!, 'Coffee', base[2]!, base[3]!], new Map([[1, { link: 'https://e.com/x' }]])).ads[0]!.ad_text).toBe('Coffee');
    expect(row(H, [base[0]!, 42, base[2]!, base[3]!], new Map([[1, { shown: '042' }]])).ads[0]!.ad_text).toBe('042');
    expect(row(H, [base[0]!, 'Coffee 42', base[2]!, base[3]!], new Map([[1, { shown: '042' }]])).ads[0]!.ad_text).toBe('Coffee 42');
  });

  it('no creative is said once, on the creative fields; a row valid in every other way is none', () => {
    expect(found(row(H, [base[0]!, 'Coffee', base[2]!, null]))).toEqual([
      ['video_url.no_creative', 'video_url', 'no creative: give one of video_url, video_id, image_urls, image_ids, tiktok_item_id, or card_id with card_type'],
    ]);
  });
});

describe('the schema across fields and at its limits: each rule with its code and words', () => {
  const found = (fields: Record<string, Cell>) => {
    const v = check(fields);
    return [...v.problems, ...v.warnings].map((p) => [p.code, p.message]);
  };
  const link = (n: number) => `t${n}|https://e.com/${n}`;
  it.each<[string, Record<string, Cell>, string[][]]>([
    ['card_type without card_id', { card_type: 'IMAGE' }, [['card_type.needs_other', 'is set but there is no card_id; a carousel ad needs both']]],
    [
      'a value far from every allowed one gets no guess',
      { card_type: 'CAROUSEL' },
      [
        ['card_type.not_allowed', '"CAROUSEL" is not a value TikTok accepts. Allowed: IMAGE, PRODUCT.'],
        ['card_type.needs_other', 'is set but there is no card_id; a carousel ad needs both'],
      ],
    ],
    ['no guess and too many values to list', { call_to_action: 'XYZZY' }, [['call_to_action.not_allowed', '"XYZZY" is not a value TikTok accepts']]],
    [
      'a near miss gets its guess',
      { ad_format: 'SINGLEVIDEO' },
      [
        [
          'ad_format.not_allowed',
          '"SINGLEVIDEO" is not a value TikTok accepts; did you mean SINGLE_VIDEO? Allowed: SINGLE_VIDEO, SINGLE_IMAGE, CAROUSEL_ADS, CATALOG_CAROUSEL, LIVE_CONTENT.',
        ],
      ],
    ],
    [
      'the start of a value gets its guess',
      { ad_format: 'carousel' },
      [
        [
          'ad_format.not_allowed',
          '"CAROUSEL" is not a value TikTok accepts; did you mean CAROUSEL_ADS? Allowed: SINGLE_VIDEO, SINGLE_IMAGE, CAROUSEL_ADS, CATALOG_CAROUSEL, LIVE_CONTENT.',
        ],
      ],
    ],
    [
      'TEXT_ONLY with clickable texts',
      { disclaimer_type: 'TEXT_ONLY', disclaimer_text: 'T', disclaimer_clickable_texts: link(1) },
      [['disclaimer_type.conflicts', 'is TEXT_ONLY, which cannot carry the clickable texts; use TEXT_LINK or clear disclaimer_clickable_texts']],
    ],
    [
      'TEXT_LINK without them',
      { disclaimer_type: 'TEXT_LINK' },
      [['disclaimer_type.needs_other', 'is TEXT_LINK, which needs disclaimer_clickable_texts; add them or use TEXT_ONLY']],
    ],
    ['three links', { disclaimer_type: 'TEXT_LINK', disclaimer_clickable_texts: [1, 2, 3].map(link).join('\n') }, []],
    [
      'four links',
      { disclaimer_type: 'TEXT_LINK', disclaimer_clickable_texts: [1, 2, 3, 4].map(link).join('\n') },
      [['disclaimer_clickable_texts.too_many', 'has 4 links; TikTok allows at most 3']],
    ],
    ['link texts of 40 characters together', { disclaimer_type: 'TEXT_LINK', disclaimer_clickable_texts: `${'x'.repeat(40)}|https://e.com/1` }, []],
    [
      'of 41',
      { disclaimer_type: 'TEXT_LINK', disclaimer_clickable_texts: `${'x'.repeat(41)}|https://e.com/1` },
      [['disclaimer_clickable_texts.too_long', 'link texts are 41 characters together; TikTok allows at most 40']],
    ],
    [
      'a link with no text',
      { disclaimer_type: 'TEXT_LINK', disclaimer_clickable_texts: '[{"text":"","url":"https://e.com/1"}]' },
      [['disclaimer_clickable_texts.no_text', 'a link to https://e.com/1 has no text']],
    ],
    [
      'a clickable link over http',
      { disclaimer_type: 'TEXT_LINK', disclaimer_clickable_texts: 'Terms|http://e.com/1' },
      [['disclaimer_clickable_texts.not_https', 'link "Terms": "http://e.com/1" uses http; TikTok needs an https:// URL']],
    ],
    [
      'IAS brand safety without its tag',
      { brand_safety_postbid_partner: 'IAS' },
      [['brand_safety_postbid_partner.needs_other', 'is IAS, which needs brand_safety_vast_url (the IAS VAST tag); add it']],
    ],
    [
      'IAS viewability without its tag',
      { viewability_postbid_partner: 'IAS' },
      [['viewability_postbid_partner.needs_other', 'is IAS, which needs viewability_vast_url; add it']],
    ],
    ['ad_text at 100', { ad_text: 'x'.repeat(100) }, []],
    ['ad_text at 101', { ad_text: 'x'.repeat(101) }, [['ad_text.too_long', 'is 101 characters long; TikTok allows at most 100. Shorten it by 1']]],
    ['display_name at 41', { display_name: 'x'.repeat(41) }, [['display_name.too_long', 'is 41 characters long; TikTok allows at most 40. Shorten it by 1']]],
    ['an app link', { deeplink: 'myapp://open', deeplink_type: 'NORMAL' }, []],
    [
      'a javascript: link',
      { deeplink: 'javascript://alert(1)', deeplink_type: 'NORMAL' },
      [['deeplink.unsafe_scheme', '"javascript://alert(1)" uses the javascript scheme, which is not an app link']],
    ],
    [
      'words, not a link',
      { deeplink: 'not a link', deeplink_type: 'NORMAL' },
      [['deeplink.not_app_link', '"not a link" is not an app link; write it as myapp://path (or an https:// universal link)']],
    ],
    [
      'a retired identity type',
      { identity_type: 'CUSTOMIZED_USER' },
      [
        [
          'identity_type.retired',
          'is CUSTOMIZED_USER, which TikTok stopped accepting for new ads in 2026-04; use BC_AUTH_TT, or TT_USER for Spark ads, or leave it empty',
        ],
      ],
    ],
  ])('%s', (_name, fields, expected) => {
    expect(found(fields)).toEqual(expected);
  });
});

describe("columns: which header names a field, which is a typo, which is the user's own", () => {
  const refusal = (header: string[], mapped?: Map<string, (typeof FIELDS)[number]>) => {
    try {
      mapColumns('t.csv', header, mapped);
    } catch (err) {
      return `${(err as RunError).code}: ${(err as RunError).message}`;
    }
    return 'mapped';
  };
  it("a typo is refused (one edit for a short name, two from 8 characters, four from 12); anything further, or a name under 3 letters, is the user's own", () => {
    // ad_text (6 letters once normalised: adtext): one edit is a typo, two are not.
    expect(refusal(['adgroup_id', 'ad_txt'])).toBe(
      'COLUMNS: t.csv: column B "ad_txt" is not a field of add_tiktok_ad (did you mean ad_text?). Rename it (see `tiktok-ads-bulk template` for every column).',
    );
    expect(refusal(['adgroup_id', 'ad_tx'])).toBe('mapped');
    // display_name (displayname, 11 letters): two edits are a typo, three are not.
    expect(refusal(['adgroup_id', 'dispaly_nmae'])).toMatch(/did you mean display_name\?/);
    expect(refusal(['adgroup_id', 'dsplay_nm'])).toBe('mapped');
    // landing_page_url (landingpageurl, 14 letters): four edits are a typo, five are not.
    expect(refusal(['adgroup_id', 'landing_url'])).toMatch(/did you mean landing_page_url\?/);
    expect(refusal(['adgroup_id', 'landin_ur'])).toBe('mapped');
    expect(refusal(['adgroup_id', 'ad'])).toBe('mapped');
    // Two at once: "them"; a field twice.
    expect(refusal(['adgroup_id', 'ad_txt', 'landing_url'])).toMatch(/\. Rename them \(see/);
    expect(refusal(['ad_text', 'Ad Text'])).toBe(
      'COLUMNS: t.csv: columns A "ad_text" and B "Ad Text" both mean ad_text; keep one of them. Rename it (see `tiktok-ads-bulk template` for every column).',
    );
  });

  it('--map a column the sheet does not have is a usage error naming its columns, blank ones left out', () => {
    expect(refusal(['adgroup_id', '', 'Client'], new Map([['owner', FIELD_BY_NAME.get('advertiser_id')!]]))).toBe(
      'USAGE: --map: t.csv has no column "owner" to read as advertiser_id; its columns: adgroup_id, Client.',
    );
  });

  it("roles: a field, a blank column, an ignored result column, the user's own", () => {
    const { roles, extras, indexOf } = mapColumns('t.csv', ['adgroup_id', '', 'error', 'Client']);
    expect(roles.map((r) => r.kind)).toEqual(['field', 'blank', 'ignored', 'extra']);
    expect(extras).toEqual(['Client']);
    expect([...indexOf]).toEqual([['adgroup_id', 0]]);
  });

  it('a header row: at least one field (or a near one) and no fewer than the other filled cells', () => {
    expect(looksLikeHeader(['adgroup_id', 'Notes'])).toBe(true);
    expect(looksLikeHeader(['adgroup_id', 'Notes', 'Owner'])).toBe(false);
    expect(looksLikeHeader(['ad_txt', null, ' ', 'Notes'])).toBe(true);
    expect(looksLikeHeader(['error', 'Notes'])).toBe(true);
    expect(looksLikeHeader(['Notes'])).toBe(false);
    expect(looksLikeHeader([null, ''])).toBe(false);
    expect(looksLikeHeader([' adgroup_id '])).toBe(true);
  });
});

describe('disclaimer_clickable_texts as people write it (coerceClickables)', () => {
  it.each<[string, string, unknown]>([
    ['JSON, trimmed', '[{"text": " Terms ", "url": " https://e.com/t "}]', { ok: true, value: [{ text: 'Terms', url: 'https://e.com/t' }] }],
    ['one JSON object', '{"text": "Terms", "url": "https://e.com/t"}', { ok: true, value: [{ text: 'Terms', url: 'https://e.com/t' }] }],
    [
      'JSON that is not',
      '[{"text": "Terms"',
      {
        ok: false,
        kind: 'bad_json',
        message: 'starts like JSON but is not valid JSON; write [{"text": "…", "url": "https://…"}] or one text|url pair per line',
      },
    ],
    ...['[null]', '[1]', '[{"text": "T"}]', '[{"url": "https://e.com"}]', '[{"text": 1, "url": "https://e.com"}]', '[{"text": "T", "url": 2}]'].map(
      (json): [string, string, unknown] => [
        `a JSON item without both strings: ${json}`,
        json,
        { ok: false, kind: 'bad_json_item', message: 'each JSON item needs a "text" and a "url", both strings' },
      ],
    ),
    [
      'one pair per line, trimmed, blank lines skipped',
      ' Terms | https://e.com/t \r\n\n Privacy|https://e.com/p',
      {
        ok: true,
        value: [
          { text: 'Terms', url: 'https://e.com/t' },
          { text: 'Privacy', url: 'https://e.com/p' },
        ],
      },
    ],
    [
      'pairs joined by ;',
      'Terms|https://e.com/t; Privacy|https://e.com/p',
      {
        ok: true,
        value: [
          { text: 'Terms', url: 'https://e.com/t' },
          { text: 'Privacy', url: 'https://e.com/p' },
        ],
      },
    ],
    ['a text holding ; is one pair', 'Terms; conditions|https://e.com/t', { ok: true, value: [{ text: 'Terms; conditions', url: 'https://e.com/t' }] }],
    [
      'no text before the bar',
      '|https://e.com/t',
      {
        ok: false,
        kind: 'bad_pair',
        message: 'line "|https://e.com/t" is not a text|url pair; write one "text|https://…" pair per line, or separate pairs with ";"',
      },
    ],
    [
      'no bar',
      'Terms https://e.com/t',
      {
        ok: false,
        kind: 'bad_pair',
        message: 'line "Terms https://e.com/t" is not a text|url pair; write one "text|https://…" pair per line, or separate pairs with ";"',
      },
    ],
    [
      'two bars',
      'a|b|https://e.com/t',
      {
        ok: false,
        kind: 'bad_pair',
        message: 'line "a|b|https://e.com/t" is not a text|url pair; write one "text|https://…" pair per line, or separate pairs with ";"',
      },
    ],
  ])('%s', (_name, text, expected) => {
    expect(coerceClickables(text)).toEqual(expected);
  });
});

describe('--ad-name templates (pure)', () => {
  it('parts in order: text before, between and after tokens; tokens by field or column name, any case, trimmed', () => {
    expect(parseAdNameTemplate('A {row}-{ Date }{CTA} z')).toEqual([
      { text: 'A ' },
      { token: 'row' },
      { text: '-' },
      { token: 'date' },
      { token: 'call_to_action' },
      { text: ' z' },
    ]);
    expect(parseAdNameTemplate('{row}')).toEqual([{ token: 'row' }]);
    expect(parseAdNameTemplate('plain')).toEqual([{ text: 'plain' }]);
    expect(() => parseAdNameTemplate('')).toThrow('--ad-name is empty; give a template such as "{display_name} - {row}".');
    expect(() => parseAdNameTemplate('x {nope}')).toThrow(
      expect.objectContaining({ code: 'USAGE', message: '--ad-name: unknown token {nope}; use {row}, {date} or a column such as {display_name}.' }),
    );
  });
  it('renders values, lists and clickable texts as words, nothing for an empty field, and one space between words', () => {
    const t = parseAdNameTemplate('{display_name}  - {image_urls} - {disclaimer_clickable_texts} - {ad_text} - {row} {date}');
    expect(
      renderAdName(
        t,
        { display_name: 'Bean', image_urls: ['https://e/a', 'https://e/b'], disclaimer_clickable_texts: [{ text: 'Terms', url: 'https://e/t' }] },
        7,
        '2026-12-07',
      ),
    ).toBe('Bean - https://e/a https://e/b - Terms - - 7 2026-12-07');
    expect(renderAdName(parseAdNameTemplate('  {ad_text}\n{creative_authorized} '), { ad_text: 'a\tb', creative_authorized: true }, 2, 'd')).toBe('a b true');
  });
});

describe('distances and lengths at their edges (pure)', () => {
  it('edit distance and typo distance: empty strings, one swap, a swap at either end', () => {
    expect([editDistance('', ''), editDistance('', 'abc'), editDistance('abc', ''), editDistance('abc', 'abc')]).toEqual([0, 3, 3, 0]);
    expect([editDistance('kitten', 'sitting'), editDistance('ab', 'ba')]).toEqual([3, 2]);
    expect([typoDistance('', 'abc'), typoDistance('abc', ''), typoDistance('abc', 'abc')]).toEqual([3, 3, 0]);
    expect([typoDistance('ab', 'ba'), typoDistance('bac', 'abc'), typoDistance('acb', 'abc'), typoDistance('dispalynmae', 'displayname')]).toEqual([
      1, 1, 1, 2,
    ]);
    expect([typoDistance('kitten', 'sitting'), typoDistance('ca', 'abc')]).toEqual([3, 3]);
  });
  it('the nearest candidate: the smallest distance, the first of equals, a prefix winning ties', () => {
    expect(nearest('cat', ['bat', 'hat'])).toBe('bat');
    expect(nearest('LEARN', ['LEARN_MORE', 'LEAN'])).toBe('LEARN_MORE');
    expect(nearest('x', [])).toBeUndefined();
  });
  it('a near miss: the nearest within three edits, or (when asked) a value it starts; never an unrelated word', () => {
    expect(nearMiss('ad_txet', ['ad_text', 'ad_name'])).toBe('ad_text');
    expect(nearMiss('abcd', ['wxyz'])).toBeUndefined();
    expect(nearMiss('abc', ['abcdef'])).toBe('abcdef'); // three edits
    expect(nearMiss('ab', ['abcdef'])).toBeUndefined(); // four, and no prefix asked
    expect(nearMiss('ab', ['abcdef'], { prefix: true })).toBe('abcdef');
    expect(nearMiss('CAROUSEL', ['IMAGE', 'PRODUCT'], { prefix: true })).toBeUndefined();
    expect(nearMiss('x', [])).toBeUndefined();
  });
  it('lengths count code points (an emoji of two UTF-16 units is one), CJK as two, Korean as two unless told', () => {
    expect(tiktokLength('😀')).toBe(1);
    expect(tiktokLength('a😀b')).toBe(3);
    expect(tiktokLength('\ud800')).toBe(1); // a lone high surrogate still counts
    expect(tiktokLength('\udc00x')).toBe(1); // a lone low surrogate continues nothing, and is not counted
    expect(tiktokLength('한글', false)).toBe(2);
    expect(tiktokLength('漢字', false)).toBe(4);
    expect(tiktokLength('')).toBe(0);
  });
  it('the emoji shown is the character typed, not a joiner or a variation selector next to it', () => {
    expect(findEmoji('Love ❤️ it')).toBe('❤');
    expect(findEmoji('a\u200db')).toBe('\u200d');
    expect(findEmoji('x👨‍👩‍👧 family')).toBe('👨');
    expect(findEmoji('no emoji here')).toBeUndefined();
  });
});

describe("the rules of a sheet: hints for a missing required column, notices of the user's own (rowRulesFor)", () => {
  it('a missing required field is hinted with the nearest own column; none when given by --set, present, or no own column', () => {
    const hints = (header: string[], defaults = new Map<string, string>()) => [...(rowRulesFor('t.csv', header, { defaults }).missingHints ?? [])];
    expect(hints(['adgroup_id', 'landing_page_url', 'video_url', 'Ad Copy', 'Owner'])).toEqual([['ad_text', 'Ad Copy']]);
    expect(hints(['adgroup_id', 'landing_page_url', 'video_url', 'Owner', 'Ad Copy'])).toEqual([['ad_text', 'Ad Copy']]);
    expect(hints(['adgroup_id', 'landing_page_url', 'video_url', 'Owner'], new Map([['ad_text', 'x']]))).toEqual([]);
    expect(hints(['adgroup_id', 'ad_text', 'landing_page_url', 'video_url', 'Owner'])).toEqual([]);
    expect(hints(['adgroup_id', 'landing_page_url', 'video_url'])).toEqual([]);
    const rules = rowRulesFor('t.csv', ['adgroup_id'], {});
    expect(rules.runDate).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(rules.maxCellChars).toBe(32_768);
    expect(rules).not.toHaveProperty('trustIds');
  });
  it('a hinted missing field says which column may be it', () => {
    const v = check({ ad_text: null, 'Ad Copy': 'Coffee' }, { missingHints: new Map([['ad_text', 'Ad Copy']]) });
    expect(v.problems.map((p) => `${p.code}: ${p.message}`)).toEqual([
      'ad_text.missing: is missing; it is required (ad text shown with the creative). There is no ad_text column; is column "Ad Copy" meant to be ad_text? Rename it',
    ]);
  });
  it("codes name the subject: a field, 'column' for a column, 'row' for what has no field", () => {
    expect([codeSubject('ad_text'), codeSubject('column C'), codeSubject('row'), codeSubject('Row 3'), codeSubject('')]).toEqual([
      'ad_text',
      'column',
      'row',
      'row',
      'row',
    ]);
    expect(problemCode('image_urls[2]', 'not_https')).toBe('image_urls.not_https');
  });
  it('ID fields are the ones a number would round', () => {
    expect(
      FIELDS.filter(isIdField)
        .map((f) => f.kind)
        .every((k) => k === 'digits' || k === 'ref' || k === 'refList'),
    ).toBe(true);
    expect(['adgroup_id', 'video_id', 'image_ids'].every((n) => isIdField(FIELD_BY_NAME.get(n)!))).toBe(true);
    expect(['ad_text', 'video_url', 'image_urls', 'call_to_action'].some((n) => isIdField(FIELD_BY_NAME.get(n)!))).toBe(false);
  });
});

describe('one problem said once: what an unreadable cell already says is not said again', () => {
  const found = (fields: Record<string, Cell>, extra: Partial<RowRules> = {}) => check(fields, extra).problems.map((p) => p.code);
  it('an unreadable creative is not also "no creative"; unreadable clickable texts are not also "needs them"; a problem of every ad group is listed once', () => {
    expect(found({ video_url: '#REF!' })).toEqual(['video_url.spreadsheet_error']);
    expect(found({ disclaimer_type: 'TEXT_LINK', disclaimer_clickable_texts: 'no bar here' })).toEqual(['disclaimer_clickable_texts.bad_pair']);
    expect(found({ adgroup_id: '1780000000000000101|1780000000000000102', ad_text: null })).toEqual(['ad_text.missing']);
    // Without a creative cell at all, "no creative" is the problem.
    expect(found({ video_url: null })).toEqual(['video_url.no_creative']);
  });
  it('--ad-name names each ad of a row of several ad groups by its own ad group; an empty name is no name', () => {
    const v = check({ adgroup_id: '1780000000000000101|1780000000000000102' }, { adName: parseAdNameTemplate('{adgroup_id}') });
    expect(v.ads.map((a) => a.ad_name)).toEqual(['1780000000000000101', '1780000000000000102']);
    const blank = check({}, { adName: parseAdNameTemplate('{display_name}') });
    expect(blank.ads[0]).not.toHaveProperty('ad_name');
    // A row's own ad_name is kept.
    expect(check({ ad_name: 'Mine' }, { adName: parseAdNameTemplate('{row}') }).ads[0]!.ad_name).toBe('Mine');
  });
});
