import { createHash } from 'node:crypto';
import type { AdArgs } from '../validate/args.js';
import { canonicalJson } from './canonical-json.js';

/**
 * A short fingerprint of each field's value, so that a later run can say which fields of a created
 * row were edited (README, "Re-runs"), without the journal keeping the ad's text. Pure.
 */
export function fieldDigests(args: AdArgs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(args)) {
    if (value === undefined) continue;
    out[name] = createHash('sha256').update(canonicalJson(value)).digest('base64url').slice(0, 12);
  }
  return out;
}

/** The fields whose value differs between two fingerprints, in the order of `now`, then the ones gone. */
export function changedFields(before: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  const changed = Object.keys(now).filter((f) => before[f] !== now[f]);
  for (const f of Object.keys(before)) if (!(f in now)) changed.push(f);
  return changed;
}
