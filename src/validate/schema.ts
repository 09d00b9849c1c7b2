// Named imports, not the \`z\` namespace: the bundled command (scripts/after-build.mjs) then leaves
// out what is not used, such as zod's 60-odd message locales (a third of what it would load).
import { array, boolean, object, string, type core, type ZodType } from 'zod';
import type { Clickable, Finding } from './args.js';
import type { ProblemKind } from './problem-codes.js';
import { FIELD_BY_NAME, FIELDS, TRACKING_URLS, type FieldSpec } from './fields.js';
import { nearMiss } from './nearest.js';
import { findEmoji, tiktokLength } from './text-length.js';
import { clipValue } from './invisible.js';

/**
 * The one schema of add_tiktok_ad's arguments, derived from the field catalogue. Messages say what
 * was found and how to fix it; the field is named by the issue's path.
 */
type Ctx = core.$RefinementCtx<unknown>;

/** The issue carries its kind (problem-codes.ts) in params, where validate-row reads it. */
function fail(ctx: Ctx, kind: ProblemKind, message: string, path: (string | number)[] = []): void {
  ctx.addIssue({ code: 'custom', message, path, params: { kind } });
}

function checkText(field: string, value: string, ctx: Ctx): void {
  const rule = FIELD_BY_NAME.get(field)?.text;
  if (!rule) return;
  const len = tiktokLength(value, rule.koreanAsTwo);
  if (len > rule.max) {
    const cjk =
      len !== Array.from(value).length
        ? rule.koreanAsTwo
          ? ' (Chinese, Japanese and Korean characters count two)'
          : ' (Chinese and Japanese characters count two)'
        : '';
    fail(ctx, 'too_long', `is ${len} characters long${cjk}; TikTok allows at most ${rule.max}. Shorten it by ${len - rule.max}`);
  }
  if (rule.noEmoji) {
    const emoji = findEmoji(value);
    if (emoji !== undefined) fail(ctx, 'emoji', `contains the emoji "${emoji}"; TikTok does not accept emoji here. Remove it`);
  }
}

/** An absolute http(s) URL: tracking URLs, where https is not documented as required. */
function checkUrl(value: string): Finding | undefined {
  if (/^http:\/\//i.test(value)) return checkHttpsUrl(`https://${value.slice(7)}`);
  return checkHttpsUrl(value);
}

function checkHttpsUrl(value: string): Finding | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { kind: 'not_url', message: `"${clip(value)}" is not a full URL; write it as https://example.com/…` };
  }
  if (/\s/.test(value)) return { kind: 'space_in_url', message: `"${clip(value)}" contains a space; a link has none (a space inside a link is written %20)` };
  if (url.protocol !== 'https:') return { kind: 'not_https', message: `"${clip(value)}" uses ${url.protocol.replace(':', '')}; TikTok needs an https:// URL` };
  if (!url.hostname || !url.hostname.includes('.'))
    return { kind: 'no_host', message: `"${clip(value)}" has no real host name; write it as https://example.com/…` };
  return undefined;
}

function checkDeeplink(value: string): Finding | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/\S+$/i.exec(value);
  if (!m) return { kind: 'not_app_link', message: `"${clip(value)}" is not an app link; write it as myapp://path (or an https:// universal link)` };
  if (/^(javascript|data|file|vbscript)$/i.test(m[1]!))
    return { kind: 'unsafe_scheme', message: `"${clip(value)}" uses the ${m[1]} scheme, which is not an app link` };
  return undefined;
}

const clip = clipValue;

function checkEnum(field: FieldSpec, value: string, ctx: Ctx): void {
  const values = field.values ?? [];
  if (values.includes(value) || field.alsoAccepted?.includes(value)) return;
  if (field.name === 'identity_type' && value === 'CUSTOMIZED_USER') {
    fail(
      ctx,
      'retired',
      'is CUSTOMIZED_USER, which TikTok stopped accepting for new ads in 2026-04; use BC_AUTH_TT, or TT_USER for Spark ads, or leave it empty',
    );
    return;
  }
  const guess = nearMiss(value, values, { prefix: true });
  const hint = guess !== undefined ? `; did you mean ${guess}?` : '';
  const list = values.length <= 6 ? `${guess !== undefined ? '' : '.'} Allowed: ${values.join(', ')}.` : '';
  fail(ctx, 'not_allowed', `"${value}" is not a value TikTok accepts${hint}${list}`);
}

const digitsString = string().superRefine((v, ctx) => {
  if (!/^\d+$/.test(v)) fail(ctx, 'not_digits', `is "${clip(v)}"; it must be a numeric ID (digits only)`);
});

function fieldSchema(field: FieldSpec): ZodType {
  switch (field.kind) {
    case 'digits':
      return digitsString;
    case 'ref':
      return string().superRefine((v, ctx) => {
        if (/\s/.test(v)) fail(ctx, 'has_spaces', `is "${clip(v)}", which contains spaces; an ID has none`);
        if (v.length > 256) fail(ctx, 'too_long', `is ${v.length} characters long; an ID is much shorter. Is this the right column?`);
      });
    case 'text':
      return string().superRefine((v, ctx) => checkText(field.name, v, ctx));
    case 'url':
      return string().superRefine((v, ctx) => {
        const m = TRACKING_URLS.has(field.name) ? checkUrl(v) : checkHttpsUrl(v);
        if (m) fail(ctx, m.kind, m.message);
      });
    case 'uri':
      return string().superRefine((v, ctx) => {
        const m = checkDeeplink(v);
        if (m) fail(ctx, m.kind, m.message);
      });
    case 'enum':
      return string().superRefine((v, ctx) => checkEnum(field, v, ctx));
    case 'bool':
      return boolean();
    case 'refList':
      return array(string()).superRefine((list, ctx) => {
        list.forEach((v) => {
          if (/\s/.test(v)) fail(ctx, 'has_spaces', `holds "${clip(v)}", which contains spaces; separate IDs with |`);
        });
      });
    case 'urlList':
      return array(string()).superRefine((list, ctx) => {
        list.forEach((v) => {
          const m = checkHttpsUrl(v);
          if (m) fail(ctx, m.kind, m.message);
        });
      });
    case 'clickables':
      return array(object({ text: string(), url: string() })).superRefine((list, ctx) => checkClickables(list, ctx));
  }
}

/** At most 3 segments, texts 40 characters together, each link https (TikTok Marketing API v1.3, ad/create disclaimer models). */
function checkClickables(list: readonly Clickable[], ctx: Ctx): void {
  if (list.length > 3) fail(ctx, 'too_many', `has ${list.length} links; TikTok allows at most 3`);
  const total = list.reduce((n, c) => n + tiktokLength(c.text), 0);
  if (total > 40) fail(ctx, 'too_long', `link texts are ${total} characters together; TikTok allows at most 40`);
  for (const c of list) {
    if (c.text === '') fail(ctx, 'no_text', `a link to ${clip(c.url)} has no text`);
    const m = checkHttpsUrl(c.url);
    if (m) fail(ctx, m.kind, `link "${clip(c.text)}": ${m.message}`);
  }
}

/**
 * The creative sources, exactly one per ad (the tool page: "Provide one of: video_url, video_id,
 * image_urls, or tiktok_item_id"; image_ids are uploaded images, a source of their own; a carousel
 * is card_id + card_type with no other creative).
 */
const SOURCES = ['video_url', 'video_id', 'image_urls', 'image_ids', 'tiktok_item_id', 'card_id'] as const;

type Args = Record<string, unknown>;

/** Rules across fields (Adspirer's add_tiktok_ad reference page and TikTok's ad/create models). */
function crossFieldRules(a: Args, ctx: Ctx): void {
  for (const f of REQUIRED) if (a[f.name] === undefined) fail(ctx, 'missing', requiredMessage(f), [f.name]);
  const given = SOURCES.filter((s) => a[s] !== undefined);
  if (given.length === 0) {
    fail(ctx, 'no_creative', 'no creative: give one of video_url, video_id, image_urls, image_ids, tiktok_item_id, or card_id with card_type', ['video_url']);
  }
  if (given.length > 1) {
    fail(
      ctx,
      'several_creatives',
      `${given.join(' and ')} are ${given.length === 2 ? 'both' : 'all'} given; an ad takes exactly one creative source. Keep one`,
      [given[1]!],
    );
  }
  if (a.card_id !== undefined && a.card_type === undefined)
    fail(ctx, 'needs_other', 'is set but card_type is not; a carousel ad needs both (IMAGE or PRODUCT)', ['card_id']);
  if (a.card_type !== undefined && a.card_id === undefined) fail(ctx, 'needs_other', 'is set but there is no card_id; a carousel ad needs both', ['card_type']);
  // The tool page: Spark Ads "requires tiktok_item_id + identity_type=TT_USER", and identity is
  // auto-resolved "unless using Spark Ads", so the identity must be given.
  if (a.tiktok_item_id !== undefined && a.identity_type !== 'TT_USER') {
    fail(
      ctx,
      'spark_identity',
      a.identity_type === undefined
        ? 'is missing; a Spark ad (tiktok_item_id) needs identity_type TT_USER'
        : `is ${String(a.identity_type)}, but a Spark ad (tiktok_item_id) needs TT_USER`,
      ['identity_type'],
    );
  }
  if (a.tiktok_item_id !== undefined && a.identity_id === undefined)
    fail(ctx, 'spark_identity', 'is missing; a Spark ad (tiktok_item_id) needs the identity_id of the TikTok account that posted it', ['identity_id']);
  if (typeof a.video_id === 'string' && a.video_id.toLowerCase() === 'none') {
    fail(ctx, 'upload_failed', 'is "None", which means the video upload failed; upload the video again and use its real ID', ['video_id']);
  }
  for (const f of ['deeplink_type', 'fallback_type'] as const) {
    if (a[f] !== undefined && a.deeplink === undefined) fail(ctx, 'needs_other', `is set but there is no deeplink; add the deeplink or clear ${f}`, [f]);
  }
  const clickables = a.disclaimer_clickable_texts as Clickable[] | undefined;
  if (clickables && clickables.length > 0 && a.disclaimer_type === 'TEXT_ONLY') {
    fail(ctx, 'conflicts', 'is TEXT_ONLY, which cannot carry the clickable texts; use TEXT_LINK or clear disclaimer_clickable_texts', ['disclaimer_type']);
  }
  if (a.disclaimer_type === 'TEXT_LINK' && (!clickables || clickables.length === 0)) {
    fail(ctx, 'needs_other', 'is TEXT_LINK, which needs disclaimer_clickable_texts; add them or use TEXT_ONLY', ['disclaimer_type']);
  }
  if (a.disclaimer_type === 'TEXT_ONLY' && a.disclaimer_text === undefined) {
    fail(ctx, 'needs_other', 'is TEXT_ONLY but there is no disclaimer_text; add the text or clear disclaimer_type', ['disclaimer_type']);
  }
  if (a.brand_safety_postbid_partner === 'IAS' && a.brand_safety_vast_url === undefined) {
    fail(ctx, 'needs_other', 'is IAS, which needs brand_safety_vast_url (the IAS VAST tag); add it', ['brand_safety_postbid_partner']);
  }
  if (a.viewability_postbid_partner === 'IAS' && a.viewability_vast_url === undefined) {
    fail(ctx, 'needs_other', 'is IAS, which needs viewability_vast_url; add it', ['viewability_postbid_partner']);
  }
}

function requiredMessage(field: FieldSpec): string {
  return `is missing; it is required (${field.description.toLowerCase()})`;
}

// Every field is optional at the field level; required ones are checked with the other rules
// across fields, because zod skips refinements of an absent optional value.
// Each field's schema is made when a sheet first needs it: start-up is most of a small file's run.
const SHAPE = new Map<string, ZodType>();
function fieldOf(name: string): ZodType | undefined {
  let schema = SHAPE.get(name);
  const field = FIELD_BY_NAME.get(name);
  if (!schema && field) SHAPE.set(name, (schema = fieldSchema(field).optional()));
  return schema;
}
const REQUIRED = FIELDS.filter((f) => f.required);

type AdSchema = ReturnType<typeof buildSchema>;

function buildSchema(fields: readonly string[]) {
  // In sorted order: zod builds its output in the shape's order, so keys/canonical-json.ts finds
  // the keys already sorted.
  const picked: Record<string, ZodType> = {};
  for (const name of [...fields].sort()) {
    const schema = fieldOf(name);
    if (schema) picked[name] = schema;
  }
  return object(picked).strict().superRefine(crossFieldRules);
}

/** The schema of every field of add_tiktok_ad. */
export function addTiktokAdSchema(): AdSchema {
  return schemaFor(FIELDS.map((f) => f.name));
}

const BY_FIELDS = new Map<string, AdSchema>();

/**
 * The same schema over only the fields a sheet can fill (its columns, its defaults, ad_name): zod
 * walks every field of an object's shape for every row, and a sheet fills 5 to 10 of 45. The rules
 * across fields see an absent field as absent either way, so the verdicts are the same (a test
 * holds the two to each other).
 */
export function schemaFor(fields: readonly string[]): AdSchema {
  const id = [...fields].sort().join(',');
  let schema = BY_FIELDS.get(id);
  if (!schema) BY_FIELDS.set(id, (schema = buildSchema(fields)));
  return schema;
}
