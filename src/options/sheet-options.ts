import { LINK_CHECK_DEFAULTS } from '../links/defaults.js';
import { STATUS_COMMANDS, type Command } from './spec.js';

const SHEET: readonly Command[] = ['validate', 'upload'];

import type { OptionSpec } from './spec.js';

/** The options of validate and upload alike: reading and checking the sheet. */
export const SHEET_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'sheet',
    type: 'string',
    value: 'NAME',
    help: 'worksheet of an .xlsx (default: the first with a header row)',
    commands: SHEET,
    option: 'sheet',
    page: 'sheet',
  },
  {
    name: 'report',
    type: 'string',
    value: 'PATH',
    help: 'results report, .csv or .xlsx by extension',
    commands: [...SHEET, ...STATUS_COMMANDS],
    option: 'report',
  },
  {
    name: 'set',
    type: 'string',
    multiple: true,
    value: 'FIELD=VALUE',
    help: 'default for a field in every row where the cell is empty (repeatable)',
    commands: SHEET,
    option: 'set',
    page: 'set',
  },
  {
    name: 'map',
    type: 'string',
    multiple: true,
    value: 'COLUMN=FIELD',
    help: 'read a column of your own as a field, e.g. "Client=advertiser_id" (repeatable)',
    commands: SHEET,
    option: 'map',
    page: 'map',
  },
  {
    name: 'advertiser-id',
    type: 'string',
    value: 'ID',
    help: 'shorthand for --set advertiser_id=ID',
    commands: SHEET,
    option: 'advertiserId',
    page: 'advertiserId',
  },
  {
    name: 'ad-name',
    type: 'string',
    value: 'TEMPLATE',
    help: 'name rows that have none, e.g. "{display_name} - {row}" ({row}, {date}, any column)',
    commands: SHEET,
    option: 'adName',
    page: 'adName',
  },
  {
    name: 'allow-duplicates',
    type: 'boolean',
    help: 'send rows identical to an earlier row (default: they are invalid)',
    commands: SHEET,
    option: 'allowDuplicates',
    page: 'allowDuplicates',
  },
  {
    name: 'trust-ids',
    type: 'boolean',
    help: 'accept 16–19 digit IDs that end in zeros (they look rounded by Excel)',
    commands: SHEET,
    option: 'trustIds',
  },
  {
    name: 'encoding',
    type: 'string',
    value: 'NAME',
    help: 'text encoding of a CSV/TSV (default: UTF-8, else Windows-1252)',
    commands: SHEET,
    option: 'encoding',
  },
  {
    name: 'check-links',
    type: 'boolean',
    help: 'also check every video, image and landing link (upload does by default)',
    commands: ['validate'],
    option: 'checkLinks',
  },
  {
    name: 'strict-links',
    type: 'boolean',
    help: 'a link that cannot be checked (DNS, timeout) makes its row invalid',
    commands: SHEET,
    option: 'strictLinks',
  },
  {
    name: 'link-timeout',
    type: 'string',
    value: 'SECONDS',
    help: 'per link checked, redirects included',
    commands: SHEET,
    option: 'linkTimeoutSeconds',
    number: { min: 0, minExclusive: true, max: 300, unit: 'seconds' },
    default: LINK_CHECK_DEFAULTS.timeoutMs / 1000,
  },
  { name: 'json', type: 'boolean', help: 'print one JSON summary object on stdout, nothing else', commands: [...SHEET, ...STATUS_COMMANDS], option: 'json' },
  { name: 'debug', type: 'boolean', help: 'show stack traces of unexpected errors', commands: [...SHEET, ...STATUS_COMMANDS] },
];
