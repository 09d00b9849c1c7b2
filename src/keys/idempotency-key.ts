import { parse as parseUuid, v5 as uuidv5 } from 'uuid';
import type { AdArgs } from '../validate/args.js';
import { canonicalJson } from './canonical-json.js';

/**
 * The namespace of every Idempotency-Key this tool derives. Changing it, or the name format below,
 * would give every row a new key and duplicate ads on re-runs: test/keys.test.ts pins both.
 */
export const KEY_NAMESPACE = 'f9dbc566-79c4-49a3-a6d2-93de62cf34fe';
const NAMESPACE_BYTES = parseUuid(KEY_NAMESPACE);

/**
 * UUID v5 (RFC 9562 §5.5) of the tool name, the canonical (sorted-key) JSON of the validated
 * arguments and the row's occurrence among identical rows (1 for the first). Same row, same key:
 * on every run, machine and version. Any edit: a new key.
 */
export function idempotencyKey(args: AdArgs, occurrence: number): string {
  return keyOfCanonical(canonicalJson(args), occurrence);
}

/**
 * The name and namespace go to uuid.v5 as bytes (UTF-8 by Buffer, the namespace parsed once):
 * given a string, uuid re-parses the namespace and encodes the name character by character on
 * every call, which was the largest cost of checking a row.
 */
/**
 * The key of the n-th deliberate re-send of a rejected row (--retry-rejected): the service keeps
 * and replays its answer for a key, a rejection included, so a new attempt needs a new key. It is
 * derived from the row's key and the generation, so it is the same on every machine, and the
 * journal records which generation a row is at.
 */
export function retryKey(key: string, generation: number): string {
  return generation === 0 ? key : uuidv5(Buffer.from(`add_tiktok_ad retry\n${key}\n${generation}`, 'utf8'), NAMESPACE_BYTES);
}

export function keyOfCanonical(canonical: string, occurrence: number): string {
  return uuidv5(Buffer.from(`add_tiktok_ad\n${canonical}\n${occurrence}`, 'utf8'), NAMESPACE_BYTES);
}

/**
 * The key of one status change of an ad (pause / resume / delete): the ad's ID, the status asked
 * for, and how many changes the batch made to the ad before it. A lost answer re-sent by the next
 * run gets the same key (the service replays it, nothing changes twice); pausing again after a
 * resume is a new change with a new key, which a replay of the first pause would otherwise swallow.
 */
export function statusKey(adId: string, status: string, changesBefore: number): string {
  return uuidv5(Buffer.from(`ad status\n${adId}\n${status}\n${changesBefore}`, 'utf8'), NAMESPACE_BYTES);
}
