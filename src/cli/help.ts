/** Help texts: one for the tool, one per command, each with real examples; options come from FLAGS. */
import { optionsHelp } from './flags.js';

export const TOOL_HELP = `tiktok-ads-bulk: upload TikTok ads in bulk from a CSV or Excel sheet (Adspirer add_tiktok_ad)

Usage:
  tiktok-ads-bulk validate FILE [options]   check every row, no network; lists every problem
  tiktok-ads-bulk upload FILE [options]     validate, then create one ad per valid row; writes a report
  tiktok-ads-bulk pause FILE [options]      pause every ad the batch created (--rows 3-10 for some)
  tiktok-ads-bulk resume FILE [options]     resume them
  tiktok-ads-bulk delete FILE [--yes]       delete them from TikTok (asks first)
  tiktok-ads-bulk template [--format csv|xlsx] [--out PATH]
  tiktok-ads-bulk sim [--port N] [options]  a local Adspirer simulator for rehearsals
  tiktok-ads-bulk ui [--port N] [--open]    a web page on this machine: check, plan, launch
  tiktok-ads-bulk COMMAND --help            options of one command
  tiktok-ads-bulk --version

Examples:
  tiktok-ads-bulk template --format xlsx --out campaign.xlsx
  tiktok-ads-bulk validate campaign.xlsx
  ADSPIRER_API_KEY=sk_live_… tiktok-ads-bulk upload campaign.xlsx --advertiser-id 7000000000000000001

Exit codes: 0 all done, 1 some rows invalid/rejected/failed, 2 usage or setup error,
3 quota exhausted, 4 API key refused, 130 interrupted (re-run to resume).
`;

export const VALIDATE_HELP = `Usage: tiktok-ads-bulk validate FILE [options]

Parses and checks every row of FILE (.csv, .tsv, .txt or .xlsx, or a Google Sheets link shared by
link) and lists every problem, grouped by row, each naming its field. No call to Adspirer is made.

Exit codes: 0 every row valid, 1 some rows invalid, 2 usage error or a file that cannot be read.

Options:
${optionsHelp('validate')}

Examples:
  tiktok-ads-bulk validate campaign.csv
  tiktok-ads-bulk validate campaign.xlsx --sheet "Spring launch" --report checked.xlsx
  tiktok-ads-bulk validate campaign.csv --set call_to_action=SHOP_NOW --json
`;

export const UPLOAD_HELP = `Usage: tiktok-ads-bulk upload FILE [options]

Validates FILE (.csv, .tsv, .txt or .xlsx, or a Google Sheets link shared by link), then creates one
ad per valid row through Adspirer's add_tiktok_ad, and writes a report as it goes (default:
<FILE stem>.results.csv beside FILE) plus a retry file with the rows that need attention
(<FILE stem>.retry.csv, or .retry.xlsx for a workbook). Running the same command again resumes:
created ads are never sent twice.

The API key comes from ADSPIRER_API_KEY or --api-key-file; the endpoint from --endpoint,
ADSPIRER_BASE_URL, or https://api.adspirer.ai.

Exit codes: 0 all created, 1 some rows invalid/rejected/failed/not sent, 2 usage or setup error,
3 quota exhausted, 4 API key refused, 130 interrupted (re-run to resume).

Options:
${optionsHelp('upload')}

Examples:
  export ADSPIRER_API_KEY=sk_live_…
  tiktok-ads-bulk upload campaign.xlsx --advertiser-id 7000000000000000001
  tiktok-ads-bulk upload campaign.csv --dry-run
  tiktok-ads-bulk upload campaign.csv --limit 10 --report first-ten.xlsx
  tiktok-ads-bulk upload campaign.retry.csv        # after fixing the rows it lists
`;

export const TEMPLATE_HELP = `Usage: tiktok-ads-bulk template [--format csv|xlsx] [--out PATH]

Writes a spreadsheet with every add_tiktok_ad field (required ones first) and one example row to
replace with your ads (validate refuses it as it is, so it is never sent by mistake). The XLSX has
dropdowns for enumerated columns, ID columns formatted as Text, and a second sheet describing each
field. An existing file is never overwritten unless --force.

Options:
${optionsHelp('template')}

Examples:
  tiktok-ads-bulk template --format xlsx
  tiktok-ads-bulk template --out spring-campaign.csv
`;

export const SIM_HELP = `Usage: tiktok-ads-bulk sim [options]

Serves a simulator of the Adspirer REST API (add_tiktok_ad, get_usage_status,
list_connected_accounts) on 127.0.0.1 for rehearsals. Prints "listening on http://127.0.0.1:PORT"
first. Ctrl-C stops it.

Options:
${optionsHelp('sim')}

Examples:
  tiktok-ads-bulk sim --quota 20 --fail-rate 0.1
  tiktok-ads-bulk sim --port 0 --advertisers 7000000000000000001,7000000000000000002 --latency 200
`;

export const UI_HELP = `Usage: tiktok-ads-bulk ui [options]

Serves a web page on 127.0.0.1 (this machine only) over the same library as the CLI: choose or
drop a sheet, see its problems cell by cell, plan from the free calls, create the ads with live
progress, stop, resume, and download the report and retry file. Prints the address to open,
with its session token. The API key is read as for upload and never reaches the browser.

Options:
${optionsHelp('ui')}

Examples:
  ADSPIRER_API_KEY=sk_live_… tiktok-ads-bulk ui --open
  tiktok-ads-bulk ui --endpoint http://127.0.0.1:8787 --port 0
`;

/** pause, resume and delete: one text, worded per command. */
function statusHelp(action: 'pause' | 'resume' | 'delete', what: string, extra: string): string {
  return `Usage: tiktok-ads-bulk ${action} FILE [options]

${what} FILE is the sheet you uploaded (its report and journal are found beside it, as upload
wrote them; --report for another place). Only ads the batch created are touched, each once: the
calls go through upload's pacing, retries and lock, each with its own Idempotency-Key, and the
report's ad_status column says what was set. Each call is billed. ${extra}

Exit codes: 0 all done, 1 some ads could not be changed, 2 usage or setup error (no batch at the
report, another service's batch), 3 quota exhausted, 4 API key refused, 130 interrupted or not confirmed.

Options:
${optionsHelp(action)}

Examples:
  tiktok-ads-bulk ${action} campaign.xlsx${action === 'delete' ? ' --yes' : ''}
  tiktok-ads-bulk ${action} campaign.csv --rows 3-10 --json
`;
}

export const STATUS_HELP = {
  pause: statusHelp('pause', 'Pauses (status DISABLE, pause_tiktok_ad) every ad the batch created.', 'Undo with resume.'),
  resume: statusHelp('resume', 'Resumes (status ENABLE, resume_tiktok_ad) every ad the batch created.', 'Ads deleted earlier are left alone.'),
  delete: statusHelp(
    'delete',
    'Deletes (status DELETE, pause_tiktok_ad) every ad the batch created.',
    'A deleted ad cannot be brought back: on a terminal it asks first; elsewhere --yes is needed.',
  ),
} as const;
