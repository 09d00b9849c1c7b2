import { RunError } from '../errors.js';
import { carryOver, orphanedInFlight } from '../batch/carry-over.js';
import { describeAccount } from '../send/accounts.js';
import type { StopReason } from '../send/quota.js';
import { checkAccounts, preflight } from './preflight.js';
import { planSending } from './send-plan.js';
import { checkLinksAhead, checkRunLinks } from './links.js';
import { planText, spentText, summariseRows } from './messages.js';
import { callsLeft, planTerms, type PlanTerms } from '../send/plan-terms.js';
import type { UploadRun, RunPlan } from './types.js';
import { ProblemPrinter } from '../commands/problem-printer.js';
import { problemsText } from '../report/problem-text.js';
import { checkAdGroups } from './adgroups.js';
import { settleDoubts } from './doubts.js';

/** What this run sends: rows carried over from earlier runs, the free preflight, --limit, the quota. */
export async function planRun(run: UploadRun): Promise<RunPlan> {
  const { options, planned, say, mask } = run;
  const carried = carryOver(
    planned,
    run.resume.states,
    options.retryRejected === true,
    options.confirmEdits === true,
    run.resume.generations,
    options.includeHidden === true,
  );
  warnOrphans(run);
  const pre = run.client ? await preflight(run.client, carried.toSend, run.now(), run.endpoint) : {};
  if (pre.quota) options.onEvent?.({ type: 'quota', quota: pre.quota });
  if (pre.stop?.reason === 'setup') throw new RunError('SETUP', mask(pre.stop.message));
  const preStop = pre.stop ? { reason: pre.stop.reason as StopReason, message: mask(pre.stop.message) } : undefined;
  if (pre.notice) say(`Note: ${pre.notice}\n`);

  const terms = pre.quota ? planTerms(pre.quota, run.now()) : undefined;
  const overage = overageAllowed(run, terms);
  // An agency batch: rows the connected accounts rule out are settled before any paid call.
  const accountCheck = pre.accounts ? checkAccounts(carried.toSend, pre.accounts, terms?.activeAdvertisers) : undefined;
  const lines = [...carried.lines];
  let toSend = carried.toSend;
  let invalid = carried.invalid;
  if (accountCheck && accountCheck.held.size) {
    for (const item of toSend) {
      const held = accountCheck.held.get(item.seq);
      if (!held) continue;
      if (held.status === 'invalid') invalid++;
      lines[item.seq] = { row: planned[item.seq]!.row, status: held.status, key: item.key, error: held.error, attempts: 0 };
    }
    toSend = toSend.filter((item) => !accountCheck.held.has(item.seq));
  }
  // Lists may be billed: asked only when rows can be sent at all (a key taken, room in the quota).
  const mayList = !options.dryRun && run.client !== undefined && !preStop && (pre.quota === undefined || callsLeft(pre.quota, overage) > 0);
  // A mistyped or deleted ad group is found by listing, once per advertiser, not by a paid call per row.
  let quota = pre.quota;
  if (options.checkAdgroups !== false && mayList && run.client && toSend.length > 0) {
    const only = pre.accounts?.length === 1 ? pre.accounts[0]!.id : undefined;
    const groups = await checkAdGroups(run.client, toSend, (seq) => planned[seq]!.adgroup, only);
    for (const note of groups.notes) say(`Note: ${note}\n`);
    if (groups.quota) quota = groups.quota;
    for (const [seq, found] of groups.invalid) {
      lines[seq] = { row: planned[seq]!.row, status: 'invalid', error: problemsText([found]) };
      invalid++;
    }
    toSend = toSend.filter((item) => !groups.invalid.has(item.seq));
    const verdict = groups.invalid.size
      ? `; ${groups.invalid.size} ${groups.invalid.size === 1 ? 'row names an ad group that is' : 'rows name ad groups that are'} not there (invalid, never sent)`
      : groups.read === 0
        ? `; ${groups.calls === 1 ? 'the list' : 'no list'} could not be read, so nothing was checked`
        : "; every checked row's ad group is there";
    say(
      `Ad groups: listed for ${groups.calls} ${groups.calls === 1 ? 'advertiser' : 'advertisers'} (${groups.calls} ${groups.calls === 1 ? 'call' : 'calls'} that may be billed)${verdict}.\n`,
    );
    if (groups.invalid.size) {
      const printer = new ProblemPrinter({ ...run.io, err: say });
      for (const [seq, found] of groups.invalid) printer.add({ row: planned[seq]!.row, input: [], problems: [found], warnings: [] });
      printer.finish(run.report);
    }
  }
  // Rows whose earlier attempt may have reached the service are looked up first: found, they are ads.
  let found: ReadonlyMap<number, { readonly key: string; readonly adId: string }> = new Map();
  if (mayList && run.client && toSend.length > 0) {
    const doubts = await settleDoubts(run.client, toSend, (seq) => planned[seq]!, run.resume.states, run.now());
    for (const note of doubts.notes) say(`Note: ${note}\n`);
    if (doubts.quota) quota = doubts.quota;
    found = doubts.found;
    for (const [seq, { key, adId }] of found) {
      lines[seq] = {
        row: planned[seq]!.row,
        status: 'created',
        key,
        adId,
        error: 'found in its ad group by its name: an earlier run created it (its answer was lost); not sent again',
        attempts: 0,
      };
    }
    if (found.size) {
      toSend = toSend.filter((item) => !found.has(item.seq));
      say(
        `Looked up ${doubts.calls} ${doubts.calls === 1 ? 'ad group' : 'ad groups'} (list_tiktok_ads, calls that may be billed): ${found.size} ${found.size === 1 ? 'row in doubt is' : 'rows in doubt are'} already ${found.size === 1 ? 'an ad' : 'ads'}.\n`,
      );
    }
  }
  // Links are free to check and calls are not: a row whose creative cannot be downloaded never
  // reaches the service. When rows will be sent, the checks run ahead of the sender (checkLinksAhead,
  // started below); a dry run, which sends nothing, checks them all here.
  const ahead = options.checkLinks !== false && !options.dryRun && run.client !== undefined;
  const links =
    options.checkLinks === false || toSend.length === 0 || ahead
      ? undefined
      : await checkRunLinks(
          { options, io: run.io, say, now: run.now(), rowOf: (seq) => planned[seq]!.row, report: run.report, remembered: run.resume.links },
          toSend,
        );
  if (links) {
    for (const [seq, error] of links.invalid) {
      lines[seq] = { row: planned[seq]!.row, status: 'invalid', error };
      invalid++;
    }
    toSend = toSend.filter((item) => !links.invalid.has(item.seq));
  }
  say(
    planText(options.file, planned.length, invalid, carried.carried, toSend.length, quota, options.dryRun === true, {
      overage,
      ...(pre.quotaUnknown ? { unknown: pre.quotaUnknown } : {}),
    }),
  );
  // Account set-up ends the run (exit 2) only when it leaves nothing at all to send, and some row
  // waits for it (a row naming none, an advertiser to reconnect or activate).
  const waiting = accountCheck ? [...accountCheck.held.values()].find((h) => h.status === 'not_sent') : undefined;
  const accountStop =
    !preStop && toSend.length === 0 && waiting && pre.accounts
      ? {
          reason: 'account' as const,
          message:
            accountCheck?.advice !== undefined
              ? `${accountCheck.held.size} ${accountCheck.held.size === 1 ? 'row names' : 'rows name'} no advertiser and ${pre.accounts.length} are connected (${pre.accounts.map(describeAccount).join(', ')}); fill advertiser_id, or pass --advertiser-id ID, which fills only empty cells`
              : waiting.error.replace(/^not sent: /, ''),
        }
      : undefined;

  const sending = planSending(toSend, {
    ...(preStop ? { stop: preStop } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(quota ? { quota } : {}),
    overage,
    dryRun: options.dryRun === true,
  });
  if (sending.overflow && quota) {
    const { left, items } = sending.overflow;
    const rows = [...new Set(items.map((i) => planned[i.seq]!.row))];
    if (left === 0) say(`${spentText(quota, terms!, options.allowOverage)}\n`);
    else {
      say(
        `The quota has room for ${left} more ${left === 1 ? 'call' : 'calls'}; ${items.length} ${items.length === 1 ? 'ad' : 'ads'} will not fit (rows ${summariseRows(rows)}) and stay not_sent until ${quota.period_end || 'the quota resets'}${options.dryRun ? '' : ', unless rows are refused without using a call'}.\n`,
      );
    }
  }
  const linksAhead =
    ahead && sending.sendable.length > 0
      ? checkLinksAhead(
          { options, io: run.io, say, now: run.now(), rowOf: (seq) => planned[seq]!.row, report: run.report, remembered: run.resume.links },
          sending.sendable,
        )
      : undefined;
  return {
    ...carried,
    ...(linksAhead ? { linksAhead } : {}),
    // Rows found to be ads already count as carried over: this run did not create them.
    carried: { ...carried.carried, created: carried.carried.created + found.size },
    found,
    lines,
    toSend,
    invalid,
    ...sending,
    stopped: sending.stopped ?? accountStop?.reason ?? null,
    quota,
    quotaUnknown: pre.quotaUnknown,
    overage,
    links,
    stopMessage: preStop?.message ?? accountStop?.message,
    accounts: accountCheck?.advice,
  };
}

/** The overage this run may use: what --allow-overage asks for, on a plan that has overage. */
function overageAllowed(run: UploadRun, terms: PlanTerms | undefined): number {
  const asked = run.options.allowOverage ?? 0;
  if (asked === 0 || !terms) return 0;
  if (terms.overage) return asked;
  run.say(
    `Note: --allow-overage ${asked} is ignored: ${terms.annual ? 'annual plans never charge' : 'this plan never charges'} overage (Adspirer's pricing); the batch stops at the limit.\n`,
  );
  return 0;
}

function warnOrphans(run: UploadRun): void {
  const orphans = orphanedInFlight(run.planned, run.resume.states, run.resume.generations);
  if (!orphans.length) return;
  const one = orphans.length === 1;
  run.say(
    `Warning: ${orphans.length} ${one ? 'ad was' : 'ads were'} in flight when an earlier run stopped, and ${one ? 'its row is' : 'their rows are'} no longer in the file as ${one ? 'it was' : 'they were'} (rows ${orphans.map((st) => st.row).join(', ')} then). ${one ? 'It' : 'They'} may exist in TikTok Ads Manager; check before launching the edited rows.\n`,
  );
}
