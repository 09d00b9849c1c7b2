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
