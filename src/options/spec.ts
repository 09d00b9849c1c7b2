/** What an option is (registry.ts lists them all). */

export type Command = 'validate' | 'upload' | 'template' | 'sim' | 'ui' | 'pause' | 'resume' | 'delete';

/** pause, resume and delete: the commands that act on the ads a batch created. */
export const STATUS_COMMANDS: readonly Command[] = ['pause', 'resume', 'delete'];

/** A number's kind and range. */
export interface NumberRange {
  readonly integer?: boolean;
  readonly min: number;
  /** The minimum itself is not allowed (a rate of 0 is no rate). */
  readonly minExclusive?: boolean;
  readonly max?: number;
  /** What the number counts, for messages: "seconds", "requests per second". */
  readonly unit?: string;
}

export interface OptionSpec {
  /** The flag without its dashes. */
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's name in --help, e.g. N or PATH. */
  readonly value?: string;
  /** Help text; further lines continue it. The range and default are added from below. */
  readonly help: string;
  readonly commands: readonly Command[];
  /** The library option it sets (UploadOptions, ValidateFileOptions, …); none for the CLI's own. */
  readonly option?: string;
  /** A boolean flag that sets its option to false (`--no-check-links`). */
  readonly negates?: boolean;
  /** A number, checked alike by the CLI and the library. */
  readonly number?: NumberRange;
  /** The values a string option takes. */
  readonly choices?: readonly string[];
  /** @default What applies when the option is not given, as help and the README say it. */
  readonly default?: string | number;
  /** The web page's control for it: the key the page sends in its request body. */
  readonly page?: string;
  /**
   * What a message on the page asks instead of "pass --flag": the control's own words, e.g.
   * 'tick "Allow duplicate rows"' (index.html holds the quoted label; a test checks it).
   */
  readonly control?: string;
}
