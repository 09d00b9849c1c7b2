/** Help texts: one for the tool, one per command, each with real examples. */
export const TOOL_HELP = `tiktok-ads-bulk: upload TikTok ads in bulk from a CSV or Excel sheet (Adspirer add_tiktok_ad)

Usage:
  tiktok-ads-bulk validate FILE [options]   check every row, no network; lists every problem
  tiktok-ads-bulk upload FILE [options]     validate, then create one ad per valid row; writes a report
  tiktok-ads-bulk template [--format csv|xlsx] [--out PATH]
  tiktok-ads-bulk sim [--port N] [options]  a local Adspirer simulator for rehearsals
  tiktok-ads-bulk COMMAND --help            options of one command
  tiktok-ads-bulk --version

Examples:
  tiktok-ads-bulk template --format xlsx --out campaign.xlsx
  tiktok-ads-bulk validate campaign.xlsx
  ADSPIRER_API_KEY=sk_live_… tiktok-ads-bulk upload campaign.xlsx --advertiser-id 7000000000000000001

Exit codes: 0 all done, 1 some rows invalid/rejected/failed, 2 usage or setup error,
3 quota exhausted, 4 API key refused, 130 interrupted (re-run to resume).
`;

const SHEET_OPTIONS = `  --sheet NAME            worksheet of an .xlsx (default: the first with a header row)
  --report PATH           results report, .csv or .xlsx by extension
  --set FIELD=VALUE       default for a field in every row where the cell is empty (repeatable)
  --advertiser-id ID      shorthand for --set advertiser_id=ID
  --ad-name TEMPLATE      name rows that have none, e.g. "{display_name} - {row}" ({row}, {date}, any column)
  --allow-duplicates      send rows identical to an earlier row (default: they are invalid)
  --json                  print one JSON summary object on stdout, nothing else
  --debug                 show stack traces of unexpected errors`;

export const VALIDATE_HELP = `Usage: tiktok-ads-bulk validate FILE [options]

Parses and checks every row of FILE (.csv, .tsv, .txt or .xlsx) without any network call and lists
every problem, grouped by row, each naming its field. Exit 0 when every row is valid, 1 otherwise.

Options:
${SHEET_OPTIONS}

Examples:
  tiktok-ads-bulk validate campaign.csv
  tiktok-ads-bulk validate campaign.xlsx --sheet "Spring launch" --report checked.xlsx
  tiktok-ads-bulk validate campaign.csv --set call_to_action=SHOP_NOW --json
`;

export const UPLOAD_HELP = `Usage: tiktok-ads-bulk upload FILE [options]

Validates FILE, then creates one ad per valid row through Adspirer's add_tiktok_ad, and writes a
report as it goes (default: <FILE stem>.results.csv beside FILE) plus <FILE stem>.retry.csv with the
rows that need attention. Running the same command again resumes: created ads are never sent twice.

The API key comes from ADSPIRER_API_KEY or --api-key-file; the endpoint from --endpoint,
ADSPIRER_BASE_URL, or https://api.adspirer.ai.

Options:
${SHEET_OPTIONS}
  --endpoint URL          Adspirer base URL (plain http only to this machine)
  --api-key-file PATH     read the API key from a file instead of ADSPIRER_API_KEY
  --concurrency N         requests in flight at once (default 4)
  --rate N                at most N requests per second, decimals allowed (default 2)
  --retries N             retries per row for network errors, timeouts, 429 and 5xx (default 4)
  --timeout SECONDS       per request (default 120: Adspirer fetches and uploads videos)
  --limit N               send at most N rows in this run; the rest stay not_sent
  --retry-rejected        also re-send rows the API rejected in an earlier run
  --dry-run               everything but creating ads: keys, plan and the free quota check

Examples:
  export ADSPIRER_API_KEY=sk_live_…
  tiktok-ads-bulk upload campaign.xlsx --advertiser-id 7000000000000000001
  tiktok-ads-bulk upload campaign.csv --dry-run
  tiktok-ads-bulk upload campaign.csv --limit 10 --report first-ten.xlsx
  tiktok-ads-bulk upload campaign.retry.csv        # after fixing the rows it lists
`;

export const TEMPLATE_HELP = `Usage: tiktok-ads-bulk template [--format csv|xlsx] [--out PATH]

Writes a spreadsheet with every add_tiktok_ad field (required ones first) and one example row that
validates. The XLSX has dropdowns for enumerated columns, ID columns formatted as Text, and a second
sheet describing each field.

Options:
  --format csv|xlsx       default: from --out's extension, else csv
  --out PATH              default: tiktok-ads-template.csv (or .xlsx)

Examples:
  tiktok-ads-bulk template --format xlsx
  tiktok-ads-bulk template --out spring-campaign.csv
`;

export const SIM_HELP = `Usage: tiktok-ads-bulk sim [options]

Serves a simulator of the Adspirer REST API (add_tiktok_ad, get_usage_status,
list_connected_accounts) on 127.0.0.1 for rehearsals. Prints "listening on http://127.0.0.1:PORT"
first. Ctrl-C stops it.

Options:
  --port N                port, 0 = any free port (default 8787)
  --api-key KEY           the one bearer key accepted (default: any non-empty key)
  --quota N               monthly call limit (default 150, Plus)
  --used N                calls already used this month (default 0)
  --tier NAME             plan name reported (default plus)
  --advertisers ID,ID     connected TikTok advertisers (default one)
  --latency MS            added latency per request, with ±50% jitter
  --rate-limit N          requests per second before 429 with Retry-After
  --fail-rate P           share of requests (0–1) that meet an injected fault
  --faults LIST           which faults --fail-rate draws from (default all):
                          500,502,503,drop-before,drop-after,hang
  --seed N                seed of the fault sequence, for repeatable runs
  --quiet                 no per-request log lines

Examples:
  tiktok-ads-bulk sim --quota 20 --fail-rate 0.1
  tiktok-ads-bulk sim --port 0 --advertisers 7000000000000000001,7000000000000000002 --latency 200
`;
