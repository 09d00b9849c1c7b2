import { localPlace } from '../commands/input-source.js';
import { defaultReportPath } from '../report/paths.js';
import { changeAdStatus, type StatusSummary } from '../ad-status/change-status.js';
import type { StatusAction } from '../ad-status/targets.js';
import { RunError } from '../errors.js';
import { pageWords } from '../options/words.js';

export interface StatusRequest {
  readonly action?: unknown;
  readonly reportFormat?: unknown;
}

/**
 * Pause, resume or delete from the page: the command's own run on the ads the file's batch
 * created. The page has asked the person first (a delete says it cannot be undone), so `yes` is
 * given here; the batch's lock still refuses a change while the file's upload runs.
 */
export async function changeStatusFromPage(
  body: StatusRequest,
  file: string,
  service: { readonly env: Readonly<Record<string, string | undefined>>; readonly endpoint?: string; readonly tuning?: Record<string, unknown> },
): Promise<StatusSummary & { readonly messages: readonly string[] }> {
  const action = body.action;
  if (action !== 'pause' && action !== 'resume' && action !== 'delete') throw new RunError('USAGE', 'Choose pause, resume or delete.');
  const messages: string[] = [];
  const io = {
    out: () => {},
    err: (text: string) => {
      const line = text.trim();
      if (line) messages.push(pageWords(line));
    },
    isTTY: false,
    color: false,
  };
  const { rate, timeoutSeconds, backoff, sleep } = service.tuning ?? {};
  const summary = await changeAdStatus(
    action as StatusAction,
    {
      file,
      report: defaultReportPath(localPlace(file), false, body.reportFormat === 'xlsx' ? 'xlsx' : 'csv'),
      env: service.env,
      ...(service.endpoint ? { endpoint: service.endpoint } : {}),
      yes: true,
      ...(typeof rate === 'number' ? { rate } : {}),
      ...(typeof timeoutSeconds === 'number' ? { timeoutSeconds } : {}),
      ...(backoff ? { backoff: backoff as { minTimeout: number; maxTimeout: number } } : {}),
      ...(typeof sleep === 'function' ? { sleep: sleep as (ms: number) => Promise<void> } : {}),
    },
    io,
  );
  return { ...summary, messages };
}
