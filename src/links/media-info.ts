import { createFile, Log, MP4BoxBuffer, type Movie } from 'mp4box';
import type { MediaInfo } from './observation.js';

/** Fetches `length` bytes from `start` (a ranged GET); undefined when the server will not. */
export type ReadRange = (start: number, length: number) => Promise<Uint8Array | undefined>;

export interface MediaReadLimits {
  /** Bytes asked for per range after the first. */
  readonly chunk: number;
  /** At most this many ranges after the first: a video whose header (moov) sits after a long
   *  media box costs one more range to reach it, a large header a few. */
  readonly ranges: number;
}

// mp4box logs parse details to the console by default; the verdict reports what matters.
Log.setLogLevel(Log.error);

/**
 * Reads duration and display size from an MP4/MOV header with mp4box (GPAC's MP4Box.js) through
 * byte ranges: the first bytes are already here; when the header (moov) is not among them, mp4box
 * says which file position it needs next, and only that is fetched. Undefined when the header is
 * not reached within the limits, or the file has no video track.
 */
export async function readMediaInfo(head: Uint8Array, size: number | undefined, readRange: ReadRange, limits: MediaReadLimits): Promise<MediaInfo | undefined> {
  const file = createFile();
  let movie: Movie | undefined;
  let failed = false;
  file.onReady = (info) => {
    movie = info;
  };
  file.onError = () => {
    failed = true;
  };
  let next = append(file, head, 0);
  for (let i = 0; !movie && !failed && i < limits.ranges; i++) {
    if (!(next > 0) || (size !== undefined && next >= size)) break;
    const bytes = await readRange(next, limits.chunk);
    if (!bytes || bytes.length === 0) break;
    next = append(file, bytes, next);
  }
  if (!movie) return undefined;
  const track = movie.videoTracks[0];
  if (!track) return undefined;
  const seconds = movie.timescale > 0 ? movie.duration / movie.timescale : 0;
  let width = track.video?.width ?? track.track_width;
  let height = track.video?.height ?? track.track_height;
  // tkhd's matrix rotates a phone's landscape frames to portrait (a = d = 0 for 90° or 270°).
  if (track.matrix && track.matrix[0] === 0 && track.matrix[4] === 0) [width, height] = [height, width];
  return { seconds, width, height };
}

function append(file: ReturnType<typeof createFile>, bytes: Uint8Array, at: number): number {
  // A copy of exactly these bytes: a Buffer's .buffer can be a larger pool or the whole file.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  // mp4box's box parser writes what it cannot parse ("[BoxParser] Invalid box type") straight to
  // console.error, at a level no setting silences; the link's verdict says what matters. The
  // parse is synchronous, so the console is quiet for exactly its duration.
  const speak = console.error;
  console.error = () => undefined;
  try {
    return file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy.buffer, at));
  } finally {
    console.error = speak;
  }
}
