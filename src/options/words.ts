import { OPTIONS } from './registry.js';
import type { OptionSpec } from './spec.js';

/**
 * A message in the words of whoever reads it. The runs speak the CLI's words ("pass --trust-ids");
 * the library and the web page say the same through their own options and controls, derived from
 * the registry, so a new option or control needs no new wording here.
 */

/** The CLI's words for an option (`--api-key-file PATH`, `--concurrency`) as a library caller passes it. */
export function libraryWords(message: string): string {
  let text = message.replace(/\bpass --api-key-file PATH\b/g, 'pass apiKey (the key itself) or apiKeyFile (a file that holds it)');
  for (const spec of OPTIONS) {
    if (!spec.option) continue;
    const word = spec.negates ? `${spec.option}: false` : spec.option;
    text = text.replace(new RegExp(`--${spec.name}(?![\\w-])`, 'g'), word);
  }
  return text;
}

/**
 * The CLI's words as the page says them: "pass --allow-duplicates" asks to tick the box, "pass
 * --advertiser-id ID" to choose an advertiser, "run the same command" to start the batch again
 * from the page. An option the page has no control for is named as the CLI's, for a terminal.
 */
export function pageWords(message: string): string {
  let text = message.replace(/\b[Rr]un the same command( again)?/g, (m) => `${m[0] === 'R' ? 'S' : 's'}tart the batch again from this page`);
  if (!text.includes('pass --')) return text;
  for (const { spec, pattern } of (pagePatterns ??= patterns())) {
    // Without a value group, replace's second argument is the match's offset, not a value.
    text = text.replace(pattern, (_m, given: unknown) => {
      const chosen = typeof given === 'string' && given !== spec.value ? ` ${given}` : '';
      return spec.control ? `${spec.control}${chosen}` : `run the command line's tiktok-ads-bulk with --${spec.name}${chosen}`;
    });
  }
  return text;
}

let pagePatterns: { spec: OptionSpec; pattern: RegExp }[] | undefined;

/** "pass --sheet NAME" names the placeholder; "pass --sheet "Ads"" names the value to choose. */
function patterns(): { spec: OptionSpec; pattern: RegExp }[] {
  return OPTIONS.map((spec) => {
    const value = spec.value ? `(?: (${spec.value}(?![\\w-])|"[^"]*"))?` : '';
    return { spec, pattern: new RegExp(`\\bpass --${spec.name}(?![\\w-])${value}`, 'g') };
  });
}
