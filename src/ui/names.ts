import { RunError } from '../errors.js';

/** The names of files the page sends (a dropped sheet) and serves (a download). */

/**
 * A dropped file's name as the page sends it (URI-encoded), or a usage error saying what is wrong
 * with it: a name the file system cannot hold must be a message, not an error naming our paths.
 */
export function droppedName(raw: string | string[] | undefined): string {
  let name: string;
  try {
    name = typeof raw === 'string' ? decodeURIComponent(raw) : '';
  } catch {
    throw new RunError('USAGE', 'The file name could not be read (a stray % in it?); rename the file and drop it again.');
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new RunError('USAGE', 'The file name holds a control character; rename the file and drop it again.');
  // Most file systems hold at most 255 bytes in a name (ext4, APFS, NTFS in UTF-16 units).
  if (Buffer.byteLength(name, 'utf8') > 255)
    throw new RunError('USAGE', 'The file name is longer than 255 bytes, more than a file system holds; rename the file and drop it again.');
  return name;
}

/**
 * A download's name in any script (`Kampagne – Q3.results.csv`, `キャンペーン.results.csv`): an
 * HTTP header holds Latin-1 only, so the name goes as RFC 6266's `filename*` in UTF-8 (RFC 8187),
 * with an ASCII `filename` for the rare client that does not read it.
 */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
