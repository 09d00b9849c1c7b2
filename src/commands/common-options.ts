import { RunError } from '../errors.js';
import { parseAdNameTemplate, type AdNameTemplate } from '../validate/ad-name.js';
import { fieldForHeader, normaliseHeader } from '../validate/columns.js';
import type { Dispatcher } from 'undici';
import { FIELDS, type FieldSpec } from '../validate/fields.js';
import { nearMiss } from '../validate/nearest.js';

/** Options shared by validate and upload (README, "Options"). */
export interface SheetOptions {
  readonly file: string;
  readonly sheet?: string;
  readonly report?: string;
  /** `--map COLUMN=FIELD`, as given: a column of the user's own read as a field. */
  readonly map?: readonly string[];
  /** `--set FIELD=VALUE` and `--advertiser-id`, as given. */
  readonly set?: readonly string[];
  readonly advertiserId?: string;
  readonly json?: boolean;
  readonly allowDuplicates?: boolean;
  readonly adName?: string;
  /** --trust-ids: accept 16–19 digit IDs that look rounded by a spreadsheet. */
  readonly trustIds?: boolean;
  /** --encoding NAME of delimited text. */
  readonly encoding?: string;
  /** For a Google Sheets link as FILE: the undici dispatcher of its download (tests, proxies). */
  readonly dispatcher?: Dispatcher;
  /** For a Google Sheets link: the folder its report, journal and retry file go to (default "."). */
  readonly cwd?: string;
  /** Ctrl-C: stop checking rows (validate, and upload before it sends), exit 130. */
  readonly signal?: AbortSignal;
}

/** Notices about the input, printed once before its rows' problems, through `err` (upload's masks the key). */
export function noticePrinter(err: (text: string) => void): (text: string) => void {
  return (text) => err(`Note: ${text}\n`);
}

/** `--set FIELD=VALUE` pairs to a field → value map; a bad pair is a usage error naming it. */
export function parseDefaults(set: readonly string[] = [], advertiserId?: string): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const pair of set) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new RunError('USAGE', `--set "${pair}": write it as FIELD=VALUE, e.g. --set call_to_action=SHOP_NOW.`);
    // The same matching as column headers: case, spaces, - and _ ignored, aliases known.
    const name = pair.slice(0, eq).trim();
    defaults.set(namedField('--set', pair, name).name, pair.slice(eq + 1).trim());
  }
  if (advertiserId !== undefined) {
    if (!/^\d+$/.test(advertiserId.trim())) throw new RunError('USAGE', `--advertiser-id "${advertiserId}": a TikTok advertiser ID is digits only.`);
    defaults.set('advertiser_id', advertiserId.trim());
  }
  return defaults;
}

/**
 * `--map "Client=advertiser_id"` (repeatable): any column read as any field. The field is named as
 * a header would name it (aliases, any case); an unknown one is a usage error naming the closest.
 */
export function parseMap(map: readonly string[] = []): Map<string, FieldSpec> {
  const out = new Map<string, FieldSpec>();
  for (const pair of map) {
    const eq = pair.lastIndexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new RunError('USAGE', `--map "${pair}": write it as COLUMN=FIELD, e.g. --map "Client=advertiser_id".`);
    const column = pair.slice(0, eq).trim();
    out.set(normaliseHeader(column), namedField('--map', pair, pair.slice(eq + 1).trim()));
  }
  return out;
}

/**
 * The field a flag names as a header would (aliases, any case), or a usage error naming the field
 * meant when it is a near miss (a typo), never the nearest of unrelated names.
 */
function namedField(flag: string, pair: string, name: string): FieldSpec {
  const field = fieldForHeader(name);
  if (field) return field;
  const near = nearMiss(
    normaliseHeader(name),
    FIELDS.map((f) => normaliseHeader(f.name)),
  );
  const guess = near !== undefined ? FIELDS.find((f) => normaliseHeader(f.name) === near)?.name : undefined;
  throw new RunError(
    'USAGE',
    `${flag} ${pair}: "${name}" is not a field of add_tiktok_ad${guess ? `; did you mean ${guess}?` : '; the fields are listed in the template (tiktok-ads-bulk template) and the README.'}`,
  );
}

export function parseAdName(template: string | undefined): AdNameTemplate | undefined {
  return template === undefined ? undefined : parseAdNameTemplate(template);
}
