import { problemCode, type ProblemKind } from './problem-codes.js';

/** The checked argument set of one add_tiktok_ad call, as sent in `{"arguments": …}`. */
export interface Clickable {
  readonly text: string;
  readonly url: string;
}

export type ArgValue = string | boolean | readonly string[] | readonly Clickable[];

export type AdArgs = Readonly<Record<string, ArgValue>>;

/** One problem or warning, always naming its field, with a stable code (problem-codes.ts). */
export interface Problem {
  readonly field: string;
  /** `<subject>.<kind>`, e.g. `ad_text.too_long`: stable across versions, unlike the message. */
  readonly code: string;
  readonly message: string;
}

/** What a cell's reading found, before it is placed on a field: a kind and a message. */
export interface Finding {
  readonly kind: ProblemKind;
  readonly message: string;
}

/** A problem on `field` (a field's name, `row`, or `column C`) of one kind. */
export function problem(field: string, kind: ProblemKind, message: string): Problem {
  return { field, code: problemCode(field, kind), message };
}

export function formatProblem(p: Problem): string {
  return `${p.field}: ${p.message}`;
}

/** A cell read as a field's value: the value (with a warning when it was corrected), or why not. */
export type Coerced =
  | { readonly ok: true; readonly value: ArgValue | undefined; readonly warnings?: readonly Finding[] }
  | { readonly ok: false; readonly kind: ProblemKind; readonly message: string };
