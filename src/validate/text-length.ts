/**
 * Lengths as TikTok counts them (TikTok Marketing API v1.3, ad/create request models): each
 * Chinese, Japanese or Korean character counts as two; everything else as one per code point.
 */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/gu;
const CJ = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/gu;
// eslint-disable-next-line no-control-regex -- the whole ASCII range, control characters included
const ASCII = /^[\x00-\x7f]*$/;

export function tiktokLength(text: string, koreanAsTwo = true): number {
  if (ASCII.test(text)) return text.length; // the common case, without walking code points
  let codePoints = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) codePoints++; // a low surrogate continues the previous code point
  }
  return codePoints + (text.match(koreanAsTwo ? CJK : CJ)?.length ?? 0);
}

// ©, ® and ™ are "pictographic" in Unicode but are ordinary typography in ad copy.
const EMOJI = /(?![\u00a9\u00ae\u2122])\p{Extended_Pictographic}|\u200d|\ufe0f|[\u{1f1e6}-\u{1f1ff}]/u;

/** The first emoji in text, or undefined. TikTok refuses emoji in ad_text and ad_name. */
export function findEmoji(text: string): string | undefined {
  const m = EMOJI.exec(text);
  if (!m) return undefined;
  // Show the whole character the user typed, not a lone joiner or variation selector.
  const at = m.index;
  return Array.from(text.slice(Math.max(0, at - 2), at + 4)).find((c) => EMOJI.test(c)) ?? m[0];
}
