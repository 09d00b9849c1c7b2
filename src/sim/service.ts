import type { Random } from './random.js';

/**
 * The Adspirer side of add_tiktok_ad and the free tools, kept in memory. It models the service
 * from its public reference only (Adspirer's REST API reference and the add_tiktok_ad tool page)
 * and never imports the client's rules, so the tests do not only confirm the client's guesses:
 * it enforces what the service documents (required fields, an HTTPS landing page, ad_text of 1–100
 * characters, the quota, idempotency, the multi-account prompt, unconnected advertisers) and
 * answers in the documented dialects the options choose.
 */

/** One HTTP answer of the simulated service. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface CreatedAd {
  readonly ad_id: string;
  readonly idempotency_key: string | null;
  readonly arguments: Record<string, unknown>;
  readonly created_at: string;
  /** Its name: ad_name, or the one the service made up. */
  readonly name: string;
  status: 'ENABLE' | 'DISABLE' | 'DELETE';
}

export interface QuotaState {
  used: number;
  readonly limit: number;
  /** Calls allowed past the limit (Plus's pay-as-you-go overage): `used` may then exceed `limit`. */
  readonly overage?: number;
  readonly tier: string;
  readonly periodEnd: string;
}

/** A connected TikTok advertiser, as list_connected_accounts describes one. */
export interface SimAccount {
  readonly id: string;
  readonly name: string;
  readonly status: 'connected' | 'needs_reauth';
  /**
   * Connected but not active on the plan (monthly plans allow one active advertiser per
   * platform): listed with account_tier "inactive", and its calls are refused.
   */
  readonly inactive?: boolean;
}

/** The documented answer forms the simulator can speak (README, "The simulator"). */
export interface Dialect {
  /** list_connected_accounts: machine-readable `data.structured`, or the markdown text only. */
  readonly accountsShape: 'structured' | 'text';
  /** Where add_tiktok_ad's answer names the new ad: `data.ad_id` (and the text), the text only, or nowhere. */
  readonly adIdIn: 'data' | 'text' | 'none';
  /** `data.quota` in every billable answer (the reference says it is always there). */
  readonly quotaInAnswers: boolean;
}

const UPGRADE_URL = 'https://adspirer.ai';

/** The tools that change the account: an Idempotency-Key makes a repeat replay (Adspirer's REST overview, "on writes"). */
export const WRITE_TOOLS: ReadonlySet<string> = new Set(['add_tiktok_ad', 'pause_tiktok_ad', 'resume_tiktok_ad']);

export class SimService {
  readonly ads: CreatedAd[] = [];
  private readonly idempotent = new Map<string, { fingerprint: string; answer: Promise<Answer> }>();
  replays = 0;

  constructor(
    readonly quota: QuotaState,
    private readonly accounts: readonly SimAccount[],
    private readonly rng: Random,
    private readonly now: () => number,
    private readonly dialect: Dialect = { accountsShape: 'structured', adIdIn: 'data', quotaInAnswers: true },
    private readonly adgroups?: ReadonlyMap<string, readonly string[]>,
  ) {}

  quotaBlock(): { used: number; limit: number; tier: string; period_end: string } {
    return { used: this.quota.used, limit: this.quota.limit, tier: this.quota.tier, period_end: this.quota.periodEnd };
  }

  /**
   * Runs a tool call. With an Idempotency-Key, the first answer is kept with a fingerprint of the
   * arguments: the same key and arguments replay it (even while the first is still running), other
   * arguments get 409 (the reference's meaning of 409).
   */
  async call(tool: string, args: Record<string, unknown>, key: string | undefined, work: () => Promise<void>): Promise<{ answer: Answer; replayed: boolean }> {
    if (key === undefined || !WRITE_TOOLS.has(tool)) return { answer: await this.execute(tool, args, key, work), replayed: false };
    const fingerprint = stableJson(args);
    const prior = this.idempotent.get(key);
    if (prior) {
      if (prior.fingerprint !== fingerprint) {
        return {
          answer: toolError(409, `Idempotency-Key ${key} was already used with different arguments. Use a new key for a different request.`),
          replayed: false,
        };
      }
      this.replays++;
      return { answer: await prior.answer, replayed: true };
    }
    const answer = this.execute(tool, args, key, work);
    this.idempotent.set(key, { fingerprint, answer });
    const settled = await answer;
    // Transient answers are not kept: a retry with the key must be able to succeed.
    if (settled.status >= 500 || settled.status === 429 || settled.status === 402) this.idempotent.delete(key);
    return { answer: settled, replayed: false };
  }

  private async execute(tool: string, args: Record<string, unknown>, key: string | undefined, work: () => Promise<void>): Promise<Answer> {
    await work();
    switch (tool) {
      case 'get_usage_status':
        return ok(tool, { text: `Usage: ${this.quota.used}/${this.quota.limit} tool calls on ${titleCase(this.quota.tier)} tier.`, quota: this.quotaBlock() });
      case 'list_connected_accounts':
        return this.listAccounts(args);
      case 'add_tiktok_ad':
        return this.addAd(args, key);
      case 'list_tiktok_ad_groups':
        return this.listAdGroups(args);
      case 'list_tiktok_ads':
        return this.listAds(args);
      case 'pause_tiktok_ad':
      case 'resume_tiktok_ad':
        return this.setStatus(tool, args);
      default:
        return { status: 404, body: { success: false, is_error: true, error: `Unknown tool: ${tool}`, tool } };
    }
  }

  /** Per account: platform, account_id, account_name, account_tier, status (the reference's fields). */
  private listAccounts(args: Record<string, unknown>): Answer {
    const platform = typeof args.platform === 'string' ? args.platform : undefined;
    const shown = platform === undefined || platform === 'tiktok_ads' ? this.accounts : [];
    const rows = shown.map((a, i) => ({
      platform: 'tiktok_ads',
      account_id: a.id,
      account_name: a.name,
      account_tier: a.inactive ? 'inactive' : i === 0 ? 'primary' : 'secondary',
      status: a.status,
    }));
    const text = [
      `**Connected TikTok Ads accounts (${rows.length})**`,
      ...rows.map(
        (r) => `- ${r.account_name} (advertiser_id="${r.account_id}") — ${r.account_tier}, ${r.status === 'connected' ? 'connected' : 'needs reauth'}`,
      ),
    ].join('\n');
    return ok('list_connected_accounts', this.dialect.accountsShape === 'structured' ? { text, structured: { accounts: rows } } : { text });
  }

  /**
   * list_tiktok_ad_groups (arguments advertiser_id, campaign_id): a read-only tool that may be
   * billed, answering in `data.text` with no documented structure (Adspirer's OpenAPI spec).
   */
  private listAdGroups(args: Record<string, unknown>): Answer {
    const advertiser = args.advertiser_id === undefined ? this.accounts[0]?.id : String(args.advertiser_id);
    const account = this.accounts.find((a) => a.id === advertiser);
    if (!account) return toolError(400, `TikTok advertiser ${String(advertiser)} is not connected to this Adspirer account.`, 'list_tiktok_ad_groups');
    const ids = this.adgroups?.get(account.id) ?? [];
    const text =
      ids.length === 0
        ? `No ad groups found for advertiser ${account.id}.`
        : [
            `**Ad groups for ${account.name} (${ids.length})**`,
            ...ids.map((id, i) => `- **Ad group ${i + 1}** (adgroup_id: ${id}) — status: ENABLE, budget: 50.00 USD/day`),
          ].join('\n');
    return ok('list_tiktok_ad_groups', { text, ...(this.dialect.quotaInAnswers ? { quota: this.quotaBlock() } : {}) });
  }

  /**
   * list_tiktok_ads (arguments advertiser_id, adgroup_id, campaign_id): the ads of an ad group, in
   * `data.text` with no documented structure, each with its name, ad_id and status.
   */
  private listAds(args: Record<string, unknown>): Answer {
    const adgroup = args.adgroup_id === undefined ? undefined : String(args.adgroup_id);
    const ads = this.ads.filter((a) => adgroup === undefined || String(a.arguments.adgroup_id) === adgroup);
    const text =
      ads.length === 0
        ? `No ads found${adgroup ? ` in ad group ${adgroup}` : ''}.`
        : [
            `**Ads${adgroup ? ` in ad group ${adgroup}` : ''} (${ads.length})**`,
            ...ads.map((a) => `- **${a.name}** (ad_id: ${a.ad_id}) — status: ${a.status}`),
          ].join('\n');
    return ok('list_tiktok_ads', { text, ...(this.dialect.quotaInAnswers ? { quota: this.quotaBlock() } : {}) });
  }

  /**
   * pause_tiktok_ad and resume_tiktok_ad (arguments ad_id, status ENABLE | DISABLE | DELETE,
   * advertiser_id): billed calls that set an ad's status (Adspirer's OpenAPI spec). A deleted ad
   * stays deleted.
   */
  private setStatus(tool: string, args: Record<string, unknown>): Answer {
    const status = typeof args.status === 'string' ? args.status.toUpperCase() : '';
    if (status !== 'ENABLE' && status !== 'DISABLE' && status !== 'DELETE') {
      return toolError(400, `status must be ENABLE, DISABLE or DELETE (got ${JSON.stringify(args.status ?? null)}).`, tool);
    }
    const spent = this.spent(tool);
    if (spent) return spent;
    const account = this.accountOf(args.advertiser_id, tool);
    if (!('id' in account)) return account;
    // An ad belongs to one advertiser: TikTok looks it up there (ad/status/update takes advertiser_id).
    const ad = this.ads.find((a) => a.ad_id === String(args.ad_id) && (a.arguments.advertiser_id ?? this.accounts[0]?.id) === account.id);
    if (!ad) return toolError(400, `TikTok API error 40002: ad_id ${String(args.ad_id)} does not exist.`, tool);
    if (ad.status === 'DELETE') return toolError(400, `TikTok API error 40002: ad ${ad.ad_id} is deleted.`, tool);
    ad.status = status;
    this.quota.used++;
    return ok(tool, {
      text: `Ad "${ad.name}" (ad_id: ${ad.ad_id}) status set to ${status}.`,
      ...(this.dialect.quotaInAnswers ? { quota: this.quotaBlock() } : {}),
    });
  }

  /**
   * The account a call is for. With several TikTok advertisers connected, a call without
   * advertiser_id gets the 400 that lists them (adspirer-api-notes.md, "Multi-account"): any tool,
   * not only add_tiktok_ad.
   */
  private accountOf(advertiser: unknown, tool: string): SimAccount | Answer {
    if (advertiser === undefined && this.accounts.length > 1) {
      const list = this.accounts.map((a) => ` - ${a.name} (advertiser_id="${a.id}")`).join('\n');
      return toolError(
        400,
        `You have ${this.accounts.length} tiktok_ads accounts connected. Please specify which account to use by passing the advertiser_id parameter:\n${list}`,
        tool,
      );
    }
    const account = advertiser === undefined ? this.accounts[0] : this.accounts.find((a) => a.id === String(advertiser));
    if (account) return account;
    return toolError(
      400,
      `TikTok advertiser ${String(advertiser)} is not connected to this Adspirer account. Connected: ${this.accounts.map((a) => a.id).join(', ')}.`,
      tool,
    );
  }

  /** The 402 of a billed call when the quota (and any overage) is spent, as Adspirer words it. */
  private spent(tool: string): Answer | undefined {
    if (this.quota.used < this.quota.limit + (this.quota.overage ?? 0)) return undefined;
    return {
      status: 402,
      body: {
        success: false,
        is_error: true,
        tool,
        error: `\u{1f6a8} Monthly limit reached (${this.quota.used}/${this.quota.limit} tool calls on ${titleCase(this.quota.tier)} tier).\nUpgrade to Pro at ${UPGRADE_URL} to keep building.`,
        quota: { ...this.quotaBlock(), upgrade_url: UPGRADE_URL },
      },
    };
  }

  private addAd(args: Record<string, unknown>, key: string | undefined): Answer {
    const spent = this.spent('add_tiktok_ad');
    if (spent) return spent;
    const advertiser = args.advertiser_id;
    const account = this.accountOf(advertiser, 'add_tiktok_ad');
    if (!('id' in account)) return account;
    if (account.status === 'needs_reauth') {
      return toolError(400, `TikTok advertiser ${account.id} (${account.name}) needs to be reconnected in Adspirer: its authorization has expired.`);
    }
    if (account.inactive) {
      return toolError(400, `TikTok advertiser ${account.id} (${account.name}) is connected but not active on your plan. Activate it in Manage Accounts.`);
    }
    const groups = this.adgroups?.get(account.id);
    if (groups && !groups.includes(String(args.adgroup_id)))
      return toolError(400, `TikTok API error 40002: adgroup_id ${String(args.adgroup_id)} does not exist.`);
    const problem = documentedProblem(args);
    if (problem) return toolError(400, `TikTok API error 40002: ${problem}`);
    this.quota.used++;
    const adId = `18${Array.from({ length: 17 }, () => Math.floor(this.rng() * 10)).join('')}`;
    const name = typeof args.ad_name === 'string' ? args.ad_name : `Ad ${new Date(this.now()).toISOString().slice(0, 10)} #${this.ads.length + 1}`;
    this.ads.push({ ad_id: adId, idempotency_key: key ?? null, arguments: args, created_at: new Date(this.now()).toISOString(), name, status: 'ENABLE' });
    const text =
      this.dialect.adIdIn === 'none'
        ? `Created TikTok ad "${name}" in ad group ${String(args.adgroup_id)}. Status: ENABLE.`
        : `Created TikTok ad "${name}" (ad_id: ${adId}) in ad group ${String(args.adgroup_id)}. Status: ENABLE.`;
    return ok('add_tiktok_ad', {
      text,
      ...(this.dialect.adIdIn === 'data' ? { ad_id: adId } : {}),
      ...(this.dialect.quotaInAnswers ? { quota: this.quotaBlock() } : {}),
    });
  }
}

/** What the tool page documents of the arguments: the required ones, an HTTPS landing page, ad_text 1–100. */
function documentedProblem(args: Record<string, unknown>): string | undefined {
  for (const field of ['adgroup_id', 'ad_text', 'landing_page_url']) {
    if (typeof args[field] !== 'string' || (args[field] as string).trim() === '') return `${field} is required.`;
  }
  const text = args.ad_text as string;
  const length = [...text].length;
  if (length < 1 || length > 100) return `ad_text must be 1-100 characters (got ${length}).`;
  if (!/^https:\/\//i.test(args.landing_page_url as string)) return 'landing_page_url must be HTTPS.';
  return undefined;
}

/** The arguments as JSON with sorted keys: the simulator's own fingerprint of a request. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function ok(tool: string, data: Record<string, unknown>): Answer {
  return { status: 200, body: { success: true, data, tool } };
}

function toolError(status: number, error: string, tool = 'add_tiktok_ad'): Answer {
  return { status, body: { success: false, error, is_error: true, tool } };
}

function titleCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The first day of next month (UTC), as the quota's period_end. */
export function nextPeriodEnd(now: number): string {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}
