import type { FileHandle } from 'node:fs/promises';

/** One member of a zip archive, from its central directory (APPNOTE.TXT §4.3.12). */
export interface ZipEntry {
  readonly name: string;
  readonly compressed: number;
  readonly uncompressed: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

/**
 * Lists a zip's members by reading only its end: the end-of-central-directory record and the
 * central directory. Returns undefined when the archive's end is missing or malformed (truncated,
 * not a zip), which the caller reports as a damaged file.
 */
export async function listZip(handle: FileHandle, size: number): Promise<ZipEntry[] | undefined> {
  const tailSize = Math.min(size, 65_557); // EOCD (22) + the longest comment (65,535)
  const tail = Buffer.alloc(tailSize);
  await handle.read(tail, 0, tailSize, size - tailSize);
  let eocd = -1;
  for (let i = tailSize - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  if (dirOffset + dirSize > size || dirSize > 64 * 1024 * 1024) return undefined;
  const dir = Buffer.alloc(dirSize);
  await handle.read(dir, 0, dirSize, dirOffset);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL) return undefined;
    const nameLength = dir.readUInt16LE(p + 28);
    const extra = dir.readUInt16LE(p + 30);
    const comment = dir.readUInt16LE(p + 32);
    entries.push({
      name: dir.toString('utf8', p + 46, p + 46 + nameLength),
      compressed: dir.readUInt32LE(p + 20),
      // 0xFFFFFFFF means ZIP64: at least 4 GiB, which no spreadsheet of ours needs.
      uncompressed: dir.readUInt32LE(p + 24),
    });
    p += 46 + nameLength + extra + comment;
  }
  return entries;
}

export interface ZipLimits {
  /** Any one part, uncompressed. */
  readonly maxPartBytes: number;
  /** The shared strings, which the reader holds in memory. */
  readonly maxSharedStringsBytes: number;
  /** Compression ratio allowed for a part over 16 MiB; real sheets compress 5–20×. */
  readonly maxRatio: number;
  /** All parts together, as actually inflated (the workbook is read whole into memory). */
  readonly maxTotalBytes: number;
  /** Strings in the shared-strings table. */
  readonly maxSharedStrings: number;
}

export const ZIP_LIMITS: ZipLimits = {
  maxPartBytes: 256 * 1024 * 1024,
  maxSharedStringsBytes: 256 * 1024 * 1024,
  maxRatio: 100,
  maxTotalBytes: 512 * 1024 * 1024,
  maxSharedStrings: 2_000_000,
};

/** Why an xlsx would blow up when unpacked (a "zip bomb"), or undefined when it is safe. Pure. */
export function zipBombReason(entries: readonly ZipEntry[], limits: ZipLimits = ZIP_LIMITS): string | undefined {
  const mib = (n: number): string => `${Math.round(n / 1024 / 1024).toLocaleString('en-US')} MiB`;
  for (const e of entries) {
    if (/sharedStrings\.xml$/i.test(e.name) && e.uncompressed !== 0xffffffff && e.uncompressed > limits.maxSharedStringsBytes) {
      return `its shared strings unpack to ${mib(e.uncompressed)}, more than the ${mib(limits.maxSharedStringsBytes)} the reader holds in memory`;
    }
    if (e.uncompressed === 0xffffffff || e.uncompressed > limits.maxPartBytes) {
      return `its part ${e.name} unpacks to more than ${mib(limits.maxPartBytes)}`;
    }
    if (e.uncompressed > 16 * 1024 * 1024 && e.uncompressed / Math.max(1, e.compressed) > limits.maxRatio) {
      return `its part ${e.name} unpacks ${Math.round(e.uncompressed / Math.max(1, e.compressed))} times larger than it is stored, which no real spreadsheet does`;
    }
  }
  return undefined;
}
