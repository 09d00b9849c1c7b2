import type { ParseArgsConfig } from 'node:util';

export type Command = 'validate' | 'upload' | 'template' | 'sim' | 'ui';

/** One flag: how it is parsed and how --help shows it. Parsing and help are both made from FLAGS. */
export interface Flag {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's name in help, e.g. N or PATH. */
  readonly value?: string;
  /** Help text; further lines continue the description. */
  readonly help: string;
  readonly commands: readonly Command[];
}

const SHEET: readonly Command[] = ['validate', 'upload'];

export const FLAGS: readonly Flag[] = [
  { name: 'sheet', type: 'string', value: 'NAME', help: 'worksheet of an .xlsx (default: the first with a header row)', commands: SHEET },
  { name: 'report', type: 'string', value: 'PATH', help: 'results report, .csv or .xlsx by extension', commands: SHEET },
  {
    name: 'set',
    type: 'string',
    multiple: true,
    value: 'FIELD=VALUE',
    help: 'default for a field in every row where the cell is empty (repeatable)',
    commands: SHEET,
  },
  { name: 'advertiser-id', type: 'string', value: 'ID', help: 'shorthand for --set advertiser_id=ID', commands: SHEET },
  {
    name: 'ad-name',
    type: 'string',
    value: 'TEMPLATE',
    help: 'name rows that have none, e.g. "{display_name} - {row}" ({row}, {date}, any column)',
    commands: SHEET,
  },
  { name: 'allow-duplicates', type: 'boolean', help: 'send rows identical to an earlier row (default: they are invalid)', commands: SHEET },
  { name: 'trust-ids', type: 'boolean', help: 'accept 16–19 digit IDs that end in zeros (they look rounded by Excel)', commands: SHEET },
  { name: 'encoding', type: 'string', value: 'NAME', help: 'text encoding of a CSV/TSV (default: UTF-8, else Windows-1252)', commands: SHEET },
  { name: 'check-links', type: 'boolean', help: 'also check every video, image and landing link (upload does by default)', commands: ['validate'] },
  { name: 'no-check-links', type: 'boolean', help: 'skip the link checks made before the first paid call', commands: ['upload'] },
  { name: 'strict-links', type: 'boolean', help: 'a link that cannot be checked (DNS, timeout) makes its row invalid', commands: SHEET },
  { name: 'link-timeout', type: 'string', value: 'SECONDS', help: 'per link checked, redirects included (default 10)', commands: SHEET },
  { name: 'json', type: 'boolean', help: 'print one JSON summary object on stdout, nothing else', commands: SHEET },
  { name: 'debug', type: 'boolean', help: 'show stack traces of unexpected errors', commands: SHEET },
  { name: 'endpoint', type: 'string', value: 'URL', help: 'Adspirer base URL (plain http only to this machine)', commands: ['upload', 'ui'] },
  { name: 'api-key-file', type: 'string', value: 'PATH', help: 'read the API key from a file instead of ADSPIRER_API_KEY', commands: ['upload', 'ui'] },
  { name: 'concurrency', type: 'string', value: 'N', help: 'requests in flight at once, 1–64 (default 4)', commands: ['upload'] },
  { name: 'rate', type: 'string', value: 'N', help: 'at most N requests per second, decimals allowed, up to 100 (default 2)', commands: ['upload'] },
  { name: 'retries', type: 'string', value: 'N', help: 'retries per row for network errors, timeouts, 429 and 5xx, 0–20 (default 4)', commands: ['upload'] },
  { name: 'timeout', type: 'string', value: 'SECONDS', help: 'per request (default 120: Adspirer fetches and uploads videos)', commands: ['upload'] },
  { name: 'limit', type: 'string', value: 'N', help: 'send at most N rows in this run; the rest stay not_sent', commands: ['upload'] },
  {
    name: 'max-wait',
    type: 'string',
    value: 'SECONDS',
    help: "most time to wait for TikTok's rate limit (429) in one run;\nthen the rows left are not_sent (default 900)",
    commands: ['upload'],
  },
  {
    name: 'allow-overage',
    type: 'string',
    value: 'N',
    help: "allow up to N paid calls past the plan's included limit, 0–100\n(Plus only: $0.50 a call; default 0: stop at the limit)",
    commands: ['upload'],
  },
  { name: 'retry-rejected', type: 'boolean', help: 'also re-send rows the API rejected in an earlier run', commands: ['upload'] },
  {
    name: 'confirm-edits',
    type: 'boolean',
    help: 'send edited rows whose earlier version may already be an ad (checked in Ads Manager)',
    commands: ['upload'],
  },
  { name: 'force-unlock', type: 'boolean', help: 'take over the lock of a run of this batch on another host', commands: ['upload'] },
  {
    name: 'retry-format',
    type: 'string',
    value: 'csv|xlsx',
    help: "the retry file's format (default: the input's); xlsx keeps long IDs as Text in Excel",
    commands: ['upload'],
  },
  { name: 'dry-run', type: 'boolean', help: 'everything but creating ads: keys, plan and the free quota check', commands: ['upload'] },
  { name: 'format', type: 'string', value: 'csv|xlsx', help: "default: from --out's extension, else csv", commands: ['template'] },
  { name: 'out', type: 'string', value: 'PATH', help: 'default: tiktok-ads-template.csv (or .xlsx)', commands: ['template'] },
  { name: 'port', type: 'string', value: 'N', help: 'port, 0 = any free port (default 8787)', commands: ['sim'] },
  { name: 'port', type: 'string', value: 'N', help: 'port on 127.0.0.1, 0 = any free port (default 8790)', commands: ['ui'] },
  { name: 'dir', type: 'string', value: 'PATH', help: 'the folder whose sheets the page lists and where batch files go (default: here)', commands: ['ui'] },
  { name: 'open', type: 'boolean', help: 'open the page in the default browser', commands: ['ui'] },
  { name: 'api-key', type: 'string', value: 'KEY', help: 'the one bearer key accepted (default: any non-empty key)', commands: ['sim'] },
  { name: 'quota', type: 'string', value: 'N', help: 'monthly call limit (default 150, Plus)', commands: ['sim'] },
  { name: 'used', type: 'string', value: 'N', help: 'calls already used this month (default 0)', commands: ['sim'] },
  { name: 'tier', type: 'string', value: 'NAME', help: 'plan name reported (default plus)', commands: ['sim'] },
  {
    name: 'advertisers',
    type: 'string',
    value: 'ID,ID',
    help: 'connected TikTok advertisers (default one); ID=Name, ID=Name:needs_reauth,\nID=Name:inactive (connected, not active on the plan)',
    commands: ['sim'],
  },
  {
    name: 'accounts-shape',
    type: 'string',
    value: 'structured|text',
    help: 'list_connected_accounts answers in data.structured (default) or text only',
    commands: ['sim'],
  },
  {
    name: 'ad-id-in',
    type: 'string',
    value: 'data|text|none',
    help: 'where add_tiktok_ad names the new ad (default data: data.ad_id and text)',
    commands: ['sim'],
  },
  { name: 'quota-in-answers', type: 'string', value: 'yes|no', help: 'data.quota in every billable answer (default yes)', commands: ['sim'] },
  { name: 'latency', type: 'string', value: 'MS', help: 'added latency per request, with ±50% jitter', commands: ['sim'] },
  { name: 'rate-limit', type: 'string', value: 'N', help: 'requests per second before 429 with Retry-After', commands: ['sim'] },
  {
    name: 'throttle',
    type: 'string',
    value: 'N/S',
    help: 'TikTok\'s throttle: after N add_tiktok_ad calls in S seconds, 429 with no\nRetry-After and "Retry after X seconds." in the body until the window frees',
    commands: ['sim'],
  },
  { name: 'overage', type: 'string', value: 'N', help: 'calls allowed past --quota before 402 (Plus pay-as-you-go; default 0)', commands: ['sim'] },
  { name: 'fail-rate', type: 'string', value: 'P', help: 'share of requests (0–1) that meet an injected fault', commands: ['sim'] },
  {
    name: 'faults',
    type: 'string',
    value: 'LIST',
    help: 'which faults --fail-rate draws from (default all):\n500,502,503,drop-before,drop-after,hang',
    commands: ['sim'],
  },
  { name: 'seed', type: 'string', value: 'N', help: 'seed of the fault sequence, for repeatable runs', commands: ['sim'] },
  { name: 'quiet', type: 'boolean', help: 'no per-request log lines', commands: ['sim'] },
  { name: 'help', type: 'boolean', short: 'h', help: 'this help', commands: ['validate', 'upload', 'template', 'sim', 'ui'] },
];

export function flagsOf(command: Command): Flag[] {
  return FLAGS.filter((f) => f.commands.includes(command));
}

/** node:util parseArgs options for a command. */
export function parseOptions(command: Command): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    flagsOf(command).map((f) => [f.name, { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) }]),
  );
}

/** The Options block of a command's --help. */
export function optionsHelp(command: Command): string {
  const width = 26;
  return flagsOf(command)
    .filter((f) => f.name !== 'help')
    .map((f) => {
      const head = `  --${f.name}${f.value ? ` ${f.value}` : ''}`;
      const [first, ...more] = f.help.split('\n');
      const lines = [head.length < width ? `${head.padEnd(width)}${first}` : `${head}\n${' '.repeat(width)}${first}`];
      for (const line of more) lines.push(`${' '.repeat(width)}${line}`);
      return lines.join('\n');
    })
    .join('\n');
}
