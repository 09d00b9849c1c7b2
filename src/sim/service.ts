import { canonicalJson } from '../keys/canonical-json.js';
import { addTiktokAdSchema } from '../validate/schema.js';
import type { Random } from './random.js';

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
}

export interface QuotaState {
  used: number;
  readonly limit: number;
  readonly tier: string;
  readonly periodEnd: string;
}

const UPGRADE_URL = 'https://adspirer.ai';

/** The Adspirer side of add_tiktok_ad and the free tools, kept in memory. */
export class SimService {
  readonly ads: CreatedAd[] = [];
  private readonly idempotent = new Map<string, { fingerprint: string; answer: Promise<Answer> }>();
  replays = 0;

  constructor(
    readonly quota: QuotaState,
    private readonly advertisers: readonly string[],
    private readonly rng: Random,
    private readonly now: () => number,
  ) {}

  quotaBlock(): { used: number; limit: number; tier: string; period_end: string } {
    return { used: this.quota.used, limit: this.quota.limit, tier: this.quota.tier, period_end: this.quota.periodEnd };
  }

  /**
   * Runs a tool call. With an Idempotency-Key, the first answer is kept with a fingerprint of the
   * arguments: the same key and arguments replay it (even while the first is still running), other
   * arguments get 409.
   */
  async call(tool: string, args: Record<string, unknown>, key: string | undefined, work: () => Promise<void>): Promise<{ answer: Answer; replayed: boolean }> {
    if (key === undefined || tool !== 'add_tiktok_ad') return { answer: await this.execute(tool, args, key, work), replayed: false };
    const fingerprint = canonicalJson(args);
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
        return ok(tool, {
          text: `${this.advertisers.length} TikTok advertiser(s) connected.`,
          accounts: this.advertisers.map((id, i) => ({ platform: 'tiktok_ads', advertiser_id: id, name: `Advertiser ${i + 1}` })),
          quota: this.quotaBlock(),
        });
      case 'add_tiktok_ad':
        return this.addAd(args, key);
      default:
        return { status: 404, body: { success: false, is_error: true, error: `Unknown tool: ${tool}`, tool } };
    }
  }

  private addAd(args: Record<string, unknown>, key: string | undefined): Answer {
    if (this.quota.used >= this.quota.limit) {
      return {
        status: 402,
        body: {
          success: false,
          is_error: true,
          tool: 'add_tiktok_ad',
          error: `\u{1f6a8} Monthly limit reached (${this.quota.used}/${this.quota.limit} tool calls on ${titleCase(this.quota.tier)} tier).\nUpgrade to Pro at ${UPGRADE_URL} to keep building.`,
          quota: { ...this.quotaBlock(), upgrade_url: UPGRADE_URL },
        },
      };
    }
    const advertiser = args.advertiser_id;
    if (advertiser === undefined && this.advertisers.length > 1) {
      const list = this.advertisers.map((id, i) => ` - Advertiser ${i + 1} (advertiser_id="${id}")`).join('\n');
      return toolError(400, `You have ${this.advertisers.length} tiktok_ads accounts connected. Please specify which account to use by passing the advertiser_id parameter:\n${list}`);
    }
    if (advertiser !== undefined && !this.advertisers.includes(String(advertiser))) {
      return toolError(400, `TikTok advertiser ${String(advertiser)} is not connected to this Adspirer account. Connected: ${this.advertisers.join(', ')}.`);
    }
    const parsed = addTiktokAdSchema.safeParse(args);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      const field = String(first.path[0] ?? 'arguments');
      return toolError(400, `TikTok API error 40002: Invalid parameter ${field}: ${first.message}.`);
    }
    this.quota.used++;
    const adId = `18${Array.from({ length: 17 }, () => Math.floor(this.rng() * 10)).join('')}`;
    const name = typeof args.ad_name === 'string' ? args.ad_name : `Ad ${new Date(this.now()).toISOString().slice(0, 10)} #${this.ads.length + 1}`;
    this.ads.push({ ad_id: adId, idempotency_key: key ?? null, arguments: args, created_at: new Date(this.now()).toISOString() });
    return ok('add_tiktok_ad', {
      text: `Created TikTok ad "${name}" (ad_id: ${adId}) in ad group ${String(args.adgroup_id)}. Status: ENABLE.`,
      ad_id: adId,
      quota: this.quotaBlock(),
    });
  }
}

function ok(tool: string, data: Record<string, unknown>): Answer {
  return { status: 200, body: { success: true, data, tool } };
}

function toolError(status: number, error: string): Answer {
  return { status, body: { success: false, error, is_error: true, tool: 'add_tiktok_ad' } };
}

function titleCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The first day of next month (UTC), as the quota's period_end. */
export function nextPeriodEnd(now: number): string {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}
