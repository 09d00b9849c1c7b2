import { existsSync } from 'node:fs';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import { templateCsv, templateWorkbook } from '../commands/template.js';
import { RunError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { formatBytes } from '../links/verdict.js';
import { xlsxSheetNames } from '../read/xlsx.js';
import { defaultReportPath, retryFilePath } from '../report/paths.js';
import { localPlace } from '../commands/input-source.js';
import { loadApiKey } from '../send/api-key.js';
import { Batches } from './batches.js';
import type { CheckRequest } from './check-sheet.js';
import { guard, newToken } from './guard.js';
import { droppedName } from './names.js';
import { reply, send } from './respond.js';
import { SheetChecks } from './check-route.js';
import { serviceState } from './service-check.js';
import { planFromPage, type PagePlan } from './plan-route.js';
import { pageWords } from '../options/words.js';
import { resolveEndpoint } from '../send/endpoint.js';
import { changeStatusFromPage, type StatusRequest } from './ad-status-route.js';
import { pageOptions } from '../options/registry.js';

export interface UiOptions {
  /** The folder whose sheets the page lists and where dropped files and batch files go. */
  readonly dir: string;
  /** 0 = any free port. */
  readonly port: number;
  /** Where ADSPIRER_API_KEY and ADSPIRER_BASE_URL are read, as for upload. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly apiKeyFile?: string;
  readonly endpoint?: string;
  /** Largest file the page accepts. Default 50 MB (the .xlsx limit). */
  readonly maxUploadBytes?: number;
  /** Link requests' undici dispatcher (tests trust their certificate through it). */
  readonly linkDispatcher?: Dispatcher;
  /** Upload tuning for tests (short backoffs). */
  readonly uploadTuning?: Record<string, unknown>;
  /** For tests: a fixed token. */
  readonly token?: string;
}

export interface UiServer {
  readonly url: string;
  readonly token: string;
  /** The address to open: url with the token. */
  readonly openUrl: string;
  /** A key-loading warning to show once. */
  readonly warning?: string;
  close(): Promise<void>;
}

// Beside this module (src/ui, dist/ui); the bundled command's chunks live in dist/bin instead.
const BESIDE = new URL('./static/', import.meta.url);
const STATIC = existsSync(BESIDE) ? BESIDE : new URL('dist/ui/static/', packageRoot());
const ASSETS: Record<string, string> = { '/app.js': 'text/javascript; charset=utf-8', '/style.css': 'text/css; charset=utf-8' };
const SHEET_EXTENSIONS = new Set(['.csv', '.tsv', '.txt', '.xlsx']);

/** `tiktok-ads-bulk ui`: the page and its API, on 127.0.0.1 only. */
export async function startUi(options: UiOptions): Promise<UiServer> {
  const apiKey = await loadApiKey(options.apiKeyFile, options.env);
  const token = options.token ?? newToken();
  const dir = resolve(options.dir);
  const maxUpload = options.maxUploadBytes ?? 50 * 1024 * 1024;
  const batches = new Batches();
  const checks = await SheetChecks.create();
  let port = 0;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const header = req.headers['x-token'];
    const verdict = guard(
      {
        method: req.method ?? 'GET',
        host: req.headers.host,
        origin: req.headers.origin,
        token: (typeof header === 'string' ? header : undefined) ?? url.searchParams.get('t') ?? undefined,
      },
      port,
      token,
    );
    if (!verdict.ok) return void reply(res, 403, { error: verdict.message });
    handle(req, res, url).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof RunError) reply(res, 400, { error: pageWords(err.message) });
      else reply(res, 500, { error: `Unexpected error: ${err instanceof Error ? err.message : String(err)}` });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /') {
      const html = (await readFile(new URL('index.html', STATIC), 'utf8')).replaceAll('{{TOKEN}}', token);
      return void send(res, 200, 'text/html; charset=utf-8', html);
    }
    const asset = ASSETS[url.pathname];
    if (req.method === 'GET' && asset) return void send(res, 200, asset, await readFile(new URL(url.pathname.slice(1), STATIC)));
    switch (route) {
      case 'GET /api/files':
        return reply(res, 200, {
          dir,
          files: await sheetFiles(dir),
          key: apiKey !== undefined,
          endpoint: options.endpoint ?? options.env.ADSPIRER_BASE_URL ?? null,
          running: batches.runningFiles().map((f) => basename(f)),
        });
      case 'POST /api/file':
        return reply(res, 200, await saveDropped(req));
      case 'POST /api/sheets': {
        const { file } = (await json(req)) as { file?: string };
        const path = inDir(file);
        return reply(res, 200, { sheets: extname(path).toLowerCase() === '.xlsx' ? await xlsxSheetNames(path) : [] });
      }
      case 'POST /api/check': {
        const body = (await json(req)) as Body;
        return checks.stream({ ...sheetOptions(body), file: inDir(body.file) }, res);
      }
      case 'POST /api/rows':
        return reply(res, 200, await checks.rows(await json(req)));
      case 'GET /api/service':
        return reply(res, 200, await serviceState(resolveEndpoint(options.endpoint, options.env), apiKey?.value, Date.now()));
      case 'POST /api/plan':
        return reply(res, 200, await plan((await json(req)) as LaunchBody));
      case 'POST /api/launch': {
        const body = (await json(req)) as LaunchBody;
        const file = inDir(body.file);
        if (!apiKey) throw new RunError('SETUP', 'No API key: start the page with ADSPIRER_API_KEY set, or with --api-key-file PATH.');
        batches.launch(file, uploadOptions(body, file, false), (e) => {
          // The table's filters show what the batch found of a row's links, as the check's own problems.
          if (e.type === 'row' && e.line.status === 'invalid') checks.mark(file, e.line.row, 'invalid');
          else if (e.type === 'row' && e.linkWarning !== undefined) checks.mark(file, e.line.row, 'warnings');
        });
        return reply(res, 200, { started: true });
      }
      case 'POST /api/ad-status': {
        const body = (await json(req)) as LaunchBody & StatusRequest;
        const env = serviceEnv();
        const tuning = options.uploadTuning as Record<string, unknown> | undefined;
        return reply(
          res,
          200,
          await changeStatusFromPage(body, inDir(body.file), {
            env,
            ...(options.endpoint ? { endpoint: options.endpoint } : {}),
            ...(tuning ? { tuning } : {}),
          }),
        );
      }
      case 'POST /api/stop': {
        const { file } = (await json(req)) as { file?: string };
        return reply(res, 200, { stopping: batches.stop(inDir(file)) });
      }
      case 'GET /api/events':
        return batches.listen(inDir(url.searchParams.get('file') ?? undefined), res);
      case 'GET /api/download':
        return download(res, url);
      case 'GET /api/template': {
        const format = url.searchParams.get('format') === 'xlsx' ? 'xlsx' : 'csv';
        const body = format === 'xlsx' ? Buffer.from(await templateWorkbook().xlsx.writeBuffer()) : templateCsv();
        return void send(res, 200, format === 'xlsx' ? XLSX_TYPE : 'text/csv; charset=utf-8', body, `tiktok-ads-template.${format}`);
      }
      default:
        return reply(res, 404, { error: `${route}: no such page or action.` });
    }
  }

  interface LaunchBody extends Body {
    readonly reportFormat?: 'csv' | 'xlsx';
    readonly checkLinks?: boolean;
  }

  /** The key and base URL the page's runs use: the page's own, never anything from a request. */
  function serviceEnv(): Record<string, string> {
    return {
      ...(apiKey ? { ADSPIRER_API_KEY: apiKey.value } : {}),
      ...(options.env.ADSPIRER_BASE_URL ? { ADSPIRER_BASE_URL: options.env.ADSPIRER_BASE_URL } : {}),
    };
  }

  function uploadOptions(body: LaunchBody, file: string, dryRun: boolean) {
    return {
      ...(pageOptions('upload', { ...body }) as Omit<CheckRequest, 'file'> & { checkLinks?: boolean }),
      file,
      report: defaultReportPath(localPlace(file), false, body.reportFormat === 'xlsx' ? 'xlsx' : 'csv'),
      env: serviceEnv(),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.linkDispatcher ? { linkDispatcher: options.linkDispatcher } : {}),
      dryRun,
      commandLine: `tiktok-ads-bulk ui (${basename(file)})`,
      ...(options.uploadTuning ?? {}),
    };
  }

  /** The plan from the free calls (upload --dry-run), as the page shows it. */
  async function plan(body: LaunchBody): Promise<PagePlan> {
    const file = inDir(body.file);
    if (batches.running(file)) throw new RunError('USAGE', `${basename(file)} is being uploaded; wait for it to finish or press Stop.`);
    return planFromPage(uploadOptions(body, file, true));
  }

  async function download(res: ServerResponse, url: URL): Promise<void> {
    const file = inDir(url.searchParams.get('file') ?? undefined);
    const kind = url.searchParams.get('kind');
    const format = url.searchParams.get('format') === 'xlsx' ? 'xlsx' : 'csv';
    const path = kind === 'retry' ? retryFilePath(localPlace(file)) : defaultReportPath(localPlace(file), false, format);
    const missing = `${basename(path)} does not exist yet: it is written when a batch runs.`;
    // The page asks first (check=1), so that a missing file is a message on the page, not a page of JSON.
    if (url.searchParams.get('check') === '1') {
      const exists = await stat(path).then(
        (s) => s.isFile(),
        () => false,
      );
      return reply(res, 200, { file: basename(path), exists, ...(exists ? {} : { message: missing }) });
    }
    const body = await readFile(path).catch(() => {
      throw new RunError('USAGE', missing);
    });
    send(res, 200, path.endsWith('.xlsx') ? XLSX_TYPE : 'text/csv; charset=utf-8', body, basename(path));
  }

  /** A file named by the page: a plain name inside the folder, never a path that leaves it. */
  function inDir(name: string | undefined): string {
    if (typeof name !== 'string' || name === '' || name !== basename(name) || name === '.' || name === '..')
      throw new RunError('USAGE', 'Choose a sheet from the list, or drop one on the page.');
    return join(dir, name);
  }

  /** A dropped file is saved in the folder under its own name, so its batch files sit beside it as the CLI's do. */
  async function saveDropped(req: IncomingMessage): Promise<unknown> {
    const name = droppedName(req.headers['x-file-name']);
    const path = inDir(name);
    if (!SHEET_EXTENSIONS.has(extname(name).toLowerCase())) throw new RunError('USAGE', `${name}: the page takes .csv, .tsv, .txt and .xlsx files.`);
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > maxUpload) throw tooBig(name);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxUpload) throw tooBig(name);
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    const existing = await readFile(path).catch(() => undefined);
    if (existing && !existing.equals(body) && req.headers['x-replace'] !== '1') {
      return {
        saved: false,
        exists: true,
        message: `${name} already exists in ${dir} with other contents. Replace it? Its batch files (report, journal) stay, so rows created earlier are still carried over.`,
      };
    }
    if (!existing || !existing.equals(body)) await writeFile(path, body);
    return { saved: true, file: name };
  }

  function tooBig(name: string): RunError {
    return new RunError('USAGE', `${name} is larger than ${formatBytes(maxUpload)}, the most the page accepts; split it, or run the CLI on it.`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new RunError('SETUP', `port ${options.port} is in use; choose another with --port N (0 = any free port).`) : err),
    );
    server.listen(options.port, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    token,
    openUrl: `${base}/?t=${token}`,
    ...(apiKey?.warning ? { warning: apiKey.warning } : {}),
    async close() {
      await batches.stopAll();
      await checks.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** What the page sends: the check's options, the file by name. */
type Body = Partial<CheckRequest>;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The check's options from the page's controls, as the registry maps them (options/registry.ts). */
function sheetOptions(body: Body): Omit<CheckRequest, 'file'> {
  return pageOptions('validate', { ...body }) as Omit<CheckRequest, 'file'>;
}

async function sheetFiles(dir: string): Promise<{ name: string; size: number; modified: string }[]> {
  const names = await readdir(dir);
  const files: { name: string; size: number; modified: string }[] = [];
  for (const name of names.sort()) {
    if (!SHEET_EXTENSIONS.has(extname(name).toLowerCase()) || name.startsWith('.') || name.startsWith('~$')) continue;
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (info?.isFile()) files.push({ name, size: info.size, modified: info.mtime.toISOString() });
  }
  return files;
}

async function json(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new RunError('USAGE', 'request too large');
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new RunError('USAGE', 'the request body must be a JSON object');
}
