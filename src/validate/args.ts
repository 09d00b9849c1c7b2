/** The checked argument set of one add_tiktok_ad call, as sent in `{"arguments": …}`. */
export interface Clickable {
  readonly text: string;
  readonly url: string;
}

export type ArgValue = string | boolean | readonly string[] | readonly Clickable[];

export type AdArgs = Readonly<Record<string, ArgValue>>;

/** One problem or warning, always naming its field. */
export interface Problem {
  readonly field: string;
  readonly message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.field}: ${p.message}`;
}

/** A cell read as a field's value: the value (with a warning when it was corrected), or why not. */
export type Coerced = { readonly ok: true; readonly value: ArgValue | undefined; readonly warning?: string } | { readonly ok: false; readonly message: string };
