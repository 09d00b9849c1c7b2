/**
 * Looks at a file's first bytes to learn its text encoding, or to say plainly what it really is
 * when it is not delimited text. Pure: takes bytes, returns a verdict.
 */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

export type Sniffed =
  | { readonly kind: 'text'; readonly encoding: TextEncodingName }
  | { readonly kind: 'zip' } // xlsx is a zip
  | { readonly kind: 'ole' } // legacy .xls, or an encrypted/password-protected xlsx
  | { readonly kind: 'empty' }
  | { readonly kind: 'other'; readonly what: string };

export function sniffBytes(head: Uint8Array): Sniffed {
  if (head.length === 0) return { kind: 'empty' };
  const b = (i: number): number => head[i] ?? -1;
  if (b(0) === 0xff && b(1) === 0xfe) return { kind: 'text', encoding: 'utf-16le' };
  if (b(0) === 0xfe && b(1) === 0xff) return { kind: 'text', encoding: 'utf-16be' };
  if (b(0) === 0x50 && b(1) === 0x4b && (b(2) === 3 || b(2) === 5 || b(2) === 7)) return { kind: 'zip' };
  if (b(0) === 0xd0 && b(1) === 0xcf && b(2) === 0x11 && b(3) === 0xe0) return { kind: 'ole' };
  const ascii = Buffer.from(head.subarray(0, 64))
    .toString('latin1')
    .replace(/^\uFEFF|^\xef\xbb\xbf/, '')
    .trimStart()
    .toLowerCase();
  if (ascii.startsWith('%pdf')) return { kind: 'other', what: 'a PDF document' };
  if (ascii.startsWith('<!doctype html') || ascii.startsWith('<html')) return { kind: 'other', what: 'an HTML page' };
  if (ascii.startsWith('<?xml')) return { kind: 'other', what: 'an XML document' };
  // UTF-16 without a BOM shows as every other byte NUL, and binary formats are full of NULs and
  // control bytes. A stray NUL in otherwise readable text is a damaged row, which the validator
  // flags, not a reason to refuse the file.
  const scan = head.subarray(0, 8192);
  let nul = 0;
  let control = 0;
  for (const byte of scan) {
    if (byte === 0) nul++;
    else if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  if (nul >= scan.length / 4) return { kind: 'other', what: 'binary data (or UTF-16 text without a byte-order mark)' };
  if (nul + control > scan.length / 20) return { kind: 'other', what: 'binary data' };
  const bomOnly = head.length === 3 && b(0) === 0xef && b(1) === 0xbb && b(2) === 0xbf;
  if (bomOnly) return { kind: 'empty' };
  return { kind: 'text', encoding: 'utf-8' };
}

const CANDIDATES = [',', ';', '\t'] as const;
export type Delimiter = (typeof CANDIDATES)[number];

/**
 * The delimiter of the header line: the candidate that occurs most often outside quotes.
 * European Excel saves `;`, "Unicode Text" saves tabs. Ties go to the extension's default.
 */
export function detectDelimiter(text: string, fallback: Delimiter): Delimiter {
  const counts = new Map<string, number>(CANDIDATES.map((c) => [c, 0]));
  let inQuotes = false;
  let sawContent = false;
  for (const ch of text) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) {
      if (sawContent) break;
    } else if (!inQuotes && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
    else if (ch.trim() !== '') sawContent = true;
  }
  let best: Delimiter = fallback;
  for (const c of CANDIDATES) if (counts.get(c)! > counts.get(best)!) best = c;
  return best;
}
