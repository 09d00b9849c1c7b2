import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { RunError } from '../errors.js';

/**
 * Which encoding a delimited file without a byte-order mark is in. UTF-8 when every byte is; else
 * Windows-1252, Excel's "CSV" on Western Windows, when no byte is valid UTF-8 beyond ASCII and
 * every byte is defined in Windows-1252 (WHATWG Encoding, windows-1252 index); else the file is
 * refused before anything is sent: half its rows would be read wrong.
 */
export type Detected = { readonly encoding: 'utf-8' } | { readonly encoding: 'windows-1252'; readonly firstInvalid: Position };

export interface Position {
  readonly offset: number;
  /** 1-based line of the file where the byte is. */
  readonly line: number;
}

/** Bytes Windows-1252 leaves undefined. */
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

export async function detectEncoding(file: string): Promise<Detected> {
  if (await isAllUtf8(file)) return { encoding: 'utf-8' };
  return scanBytes(file);
}

/**
 * The common case, checked natively (buffer.isUtf8). A chunk is checked up to its last complete
 * character; the bytes of a character cut at the chunk's end go with the next chunk.
 */
async function isAllUtf8(file: string): Promise<boolean> {
  let carry = Buffer.alloc(0);
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let end = data.length;
    // Back up over continuation bytes (those with the high bits 10) to the last character's start, at most 3.
    let start = end - 1;
    while (start > 0 && end - start < 4 && (data[start]! & 0xc0) === 0x80) start--;
    const lead = data[start] ?? 0;
    const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (start + length > end) end = start;
    if (!isUtf8(data.subarray(0, end))) return false;
    carry = Buffer.from(data.subarray(end));
  }
  return carry.length === 0;
}

/** The byte-by-byte verdict, with where the first byte that is not UTF-8 is. */
async function scanBytes(file: string): Promise<Detected> {
  let validMultibyte = 0;
  let firstInvalid: Position | undefined;
  let undefined1252: Position | undefined;
  let offset = 0;
  let line = 1;
  // UTF-8 decoding state (RFC 3629 §4): continuation bytes still expected, and the allowed range
  // of the next one (which excludes overlong forms and surrogates).
  let need = 0;
  let lower = 0x80;
  let upper = 0xbf;
  let seqStart: Position = { offset: 0, line: 1 };
  const invalid = (at: Position): void => {
    firstInvalid ??= at;
  };
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (const byte of chunk) {
      const here = { offset, line };
      if (UNDEFINED_1252.has(byte)) undefined1252 ??= here;
      let continued = false;
      if (need > 0) {
        if (byte >= lower && byte <= upper) {
          continued = true;
          lower = 0x80;
          upper = 0xbf;
          if (--need === 0) validMultibyte++;
        } else {
          invalid(seqStart);
          need = 0;
        }
      }
      if (!continued) {
        if (byte >= 0xc2 && byte <= 0xdf) need = 1;
        else if (byte >= 0xe0 && byte <= 0xef) {
          need = 2;
          if (byte === 0xe0) lower = 0xa0;
          if (byte === 0xed) upper = 0x9f;
        } else if (byte >= 0xf0 && byte <= 0xf4) {
          need = 3;
          if (byte === 0xf0) lower = 0x90;
          if (byte === 0xf4) upper = 0x8f;
        } else if (byte >= 0x80) invalid(here);
        if (need > 0) seqStart = here;
      }
      if (byte === 0x0a) line++;
      offset++;
    }
  }
  if (need > 0) invalid(seqStart);
  if (firstInvalid === undefined) return { encoding: 'utf-8' };
  if (validMultibyte === 0 && undefined1252 === undefined) return { encoding: 'windows-1252', firstInvalid };
  throw new RunError(
    'FILE',
    `${file} is not UTF-8 text: line ${firstInvalid.line} (byte ${firstInvalid.offset}) holds bytes that are not UTF-8, and ${validMultibyte > 0 ? 'other lines are UTF-8, so the file mixes encodings' : 'it is not Windows-1252 either'}. Nothing was read. Save it as "CSV UTF-8" from your spreadsheet app, or pass --encoding NAME (e.g. windows-1252, latin1, shift_jis).`,
  );
}

/** Decodes a byte stream from `label` and re-encodes it as UTF-8, for csv-parse. */
export function toUtf8(label: string): Transform {
  const decoder = new TextDecoder(label);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
    },
    flush(done) {
      done(null, Buffer.from(decoder.decode(), 'utf8'));
    },
  });
}

/** The WHATWG name of an --encoding label, or a usage error naming it. */
export function encodingLabel(label: string): string {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    throw new RunError('USAGE', `--encoding ${label}: not an encoding this tool knows; use a name such as utf-8, windows-1252, latin1, utf-16le or shift_jis.`);
  }
}
