import type JSZip from 'jszip';
import type { ZipLimits } from './zip-guard.js';

/**
 * Why a workbook would blow up when read, judged by what its parts really inflate to: the sizes a
 * zip declares (zip-guard.ts) can lie, and a 17 MB file that under-stated them once took 3.6 GiB.
 * Each part is inflated and counted (JSZip, which exceljs reads workbooks with), stopping at the
 * first limit passed; the shared strings are also counted by number. Undefined when it is safe.
 */
export async function inflatedBombReason(zip: JSZip, limits: ZipLimits): Promise<string | undefined> {
  const mib = (n: number): string => `${Math.round(n / 1024 / 1024).toLocaleString('en-US')} MiB`;
  let total = 0;
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    const shared = /sharedStrings\.xml$/i.test(entry.name);
    const partLimit = shared ? Math.min(limits.maxPartBytes, limits.maxSharedStringsBytes) : limits.maxPartBytes;
    let size = 0;
    let strings = 0;
    let tail = '';
    const reason = await eachChunk(entry, (chunk) => {
      size += chunk.length;
      total += chunk.length;
      if (size > partLimit)
        return shared
          ? `its shared strings unpack to more than ${mib(partLimit)}, more than the reader holds in memory`
          : `its part ${entry.name} unpacks to more than ${mib(partLimit)}`;
      if (total > limits.maxTotalBytes) return `its parts unpack to more than ${mib(limits.maxTotalBytes)} together`;
      if (shared) {
        // <si> elements counted across chunk edges: the last few characters are kept.
        const text = tail + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString('latin1');
        strings += (text.match(/<si[\s>]/g) ?? []).length - (tail.match(/<si[\s>]/g) ?? []).length;
        tail = text.slice(-4);
        if (strings > limits.maxSharedStrings) return `its shared strings hold more than ${limits.maxSharedStrings.toLocaleString('en-US')} texts`;
      }
      return undefined;
    });
    if (reason) return reason;
  }
  return undefined;
}

interface ChunkStream {
  on(event: 'data', listener: (chunk: Uint8Array) => void): ChunkStream;
  on(event: 'error', listener: (err: Error) => void): ChunkStream;
  on(event: 'end', listener: () => void): ChunkStream;
  pause(): ChunkStream;
  resume(): ChunkStream;
}

/** Inflates one part chunk by chunk; stops at the first reason `look` gives. */
function eachChunk(entry: JSZip.JSZipObject, look: (chunk: Uint8Array) => string | undefined): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    // internalStream (JSZip 3 API: pause, resume, data/end/error events) is missing from its typings.
    const stream = (entry as unknown as { internalStream(type: 'uint8array'): ChunkStream }).internalStream('uint8array');
    stream
      .on('data', (chunk: Uint8Array) => {
        const reason = look(chunk);
        if (reason) {
          stream.pause();
          resolve(reason);
        }
      })
      .on('error', reject)
      .on('end', () => resolve(undefined))
      .resume();
  });
}
