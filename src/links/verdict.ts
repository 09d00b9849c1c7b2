import type { ProblemKind } from '../validate/problem-codes.js';
import { STATUS_CODES } from 'node:http';
import type { LinkField, MediaInfo, Observation } from './observation.js';

export type LinkLevel = 'ok' | 'warning' | 'invalid';

export interface LinkVerdict {
  readonly level: LinkLevel;
  /** What was seen, naming nothing but the link: the caller prefixes the field. */
  readonly message?: string;
  /** The problem's kind (validate/problem-codes.ts), with `message`. */
  readonly kind?: ProblemKind;
  /** Facts worth showing even when the link is fine ("6 s, 540×960"). */
  readonly info?: string;
}

/**
 * TikTok Ads Manager help, "TikTok Auction In-Feed Ads" video specifications
 * (ads.tiktok.com/help/article/tiktok-auction-in-feed-ads): file size ≤ 500 MB; aspect ratio 9:16,
 * 1:1 or 16:9; resolution ≥ 540×960 (9:16), ≥ 640×640 (1:1), ≥ 960×540 (16:9); duration 5–60 s
 * recommended (longer is allowed, shorter is not recommended).
 */
const VIDEO_SPEC = {
  maxBytes: 500 * 1024 * 1024,
  minSeconds: 5,
  maxSeconds: 60,
  shapes: [
    { name: '9:16', ratio: 9 / 16, minWidth: 540, minHeight: 960 },
    { name: '1:1', ratio: 1, minWidth: 640, minHeight: 640 },
    { name: '16:9', ratio: 16 / 9, minWidth: 960, minHeight: 540 },
  ],
} as const;

/** Adspirer's upload_tiktok_images page: JPG, PNG or WEBP, at most 10 MB per image. */
const IMAGE_SPEC = { maxBytes: 10 * 1024 * 1024 } as const;

/** Share pages, error pages and login walls answer HTML where a file was expected. */
const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
/** Servers that do not know a file's type send it as bytes; the first bytes then decide. */
const BYTE_TYPES = new Set(['application/octet-stream', 'binary/octet-stream', 'application/x-binary']);

/**
 * Judges one link for one field. Pure. `strict` (--strict-links) makes a link that could not be
 * checked invalid instead of a warning.
 */
export function judgeLink(field: LinkField, seen: Observation, strict: boolean): LinkVerdict {
  if (seen.kind === 'unchecked')
    return { level: strict ? 'invalid' : 'warning', kind: 'unchecked', message: `could not be checked: ${seen.reason}${strict ? ' (--strict-links)' : ''}` };
  if (field === 'landing_page_url') return judgeLanding(seen);
  return field === 'video_url' ? judgeVideo(seen) : judgeImage(seen);
}

type Answer = Extract<Observation, { kind: 'answer' }>;

/**
 * A landing page that answers 4xx/5xx is only a warning: many sites refuse requests that do not
 * come from a browser (robots, bot walls), and TikTok reviews the page itself.
 */
function judgeLanding(seen: Answer): LinkVerdict {
  if (seen.status >= 400)
    return { level: 'warning', kind: 'error_status', message: `answered ${statusText(seen.status)}${via(seen)}; check that the page opens in a browser` };
  return { level: 'ok' };
}

/** add_tiktok_ad: "Public video URL (HTTPS, MP4/MOV). Adspirer downloads + uploads". */
function judgeVideo(seen: Answer): LinkVerdict {
  const refused = notAFile(seen, 'a video');
  if (refused) return refused;
  const { type, size, head } = seen;
  if (size !== undefined && size > VIDEO_SPEC.maxBytes) {
    return { level: 'invalid', kind: 'too_large', message: `is ${formatBytes(size)}${via(seen)}, over TikTok's 500 MB limit for a video` };
  }
  const typeOk = type === undefined || type.startsWith('video/') || BYTE_TYPES.has(type);
  if (!typeOk)
    return { level: 'invalid', kind: 'wrong_type', message: `answered ${type}${sizeText(size)}${via(seen)}, not a video: expected an MP4 or MOV file` };
  if (head && !looksLikeMp4(head)) {
    return {
      level: 'invalid',
      kind: 'not_media',
      message: `answered ${type ?? 'a file with no type'}${sizeText(size)}${via(seen)} that does not start like an MP4 or MOV file (no ftyp box): TikTok takes MP4 and MOV`,
    };
  }
  if (!seen.media) return seen.mediaNote ? { level: 'ok', info: seen.mediaNote } : { level: 'ok' };
  const advice = videoAdvice(seen.media);
  const info = mediaText(seen.media);
  return advice ? { level: 'warning', kind: 'video_advice', message: `${info}: ${advice}`, info } : { level: 'ok', info };
}

/** Adspirer's upload_tiktok_images: JPG, PNG, WEBP; at most 10 MB per image. */
function judgeImage(seen: Answer): LinkVerdict {
  const refused = notAFile(seen, 'an image');
  if (refused) return refused;
  const { type, size, head } = seen;
  if (size !== undefined && size > IMAGE_SPEC.maxBytes) {
    return { level: 'invalid', kind: 'too_large', message: `is ${formatBytes(size)}${via(seen)}, over the 10 MB limit for an image` };
  }
  const kind = head ? imageKind(head) : undefined;
  const typeOk = type === undefined || type === 'image/jpeg' || type === 'image/png' || type === 'image/webp' || BYTE_TYPES.has(type);
  if (!typeOk && !kind) return { level: 'invalid', kind: 'wrong_type', message: `answered ${type}${sizeText(size)}${via(seen)}, not a JPG, PNG or WEBP image` };
  if (head && !kind)
    return {
      level: 'invalid',
      kind: 'not_media',
      message: `answered ${type ?? 'a file with no type'}${sizeText(size)}${via(seen)} that is not a JPG, PNG or WEBP image`,
    };
  return { level: 'ok' };
}

/** The rules every creative shares: a 2xx answer that is not an HTML page. */
function notAFile(seen: Answer, what: string): LinkVerdict | undefined {
  if (seen.status >= 500)
    return {
      level: 'warning',
      kind: 'server_error',
      message: `answered ${statusText(seen.status)}${via(seen)}: the server failed, so the file could not be checked; make sure it is reachable before the ad goes live`,
    };
  if (seen.status < 200 || seen.status >= 300)
    return { level: 'invalid', kind: 'error_status', message: `answered ${statusText(seen.status)}${via(seen)}: Adspirer could not download it` };
  if (seen.type && HTML_TYPES.has(seen.type)) {
    return {
      level: 'invalid',
      kind: 'html_page',
      message: `answered an HTML page (${seen.type}${sizeText(seen.size)})${via(seen)}, not ${what}: a share or preview link? Use the file's direct download link`,
    };
  }
  return undefined;
}

/** ISO BMFF (MP4) starts with an ftyp box; older QuickTime files may start with moov, mdat, wide, free or skip. */
export function looksLikeMp4(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  const box = String.fromCharCode(head[4]!, head[5]!, head[6]!, head[7]!);
  return box === 'ftyp' || box === 'moov' || box === 'mdat' || box === 'wide' || box === 'free' || box === 'skip';
}

/** Magic numbers: JPEG FF D8 FF; PNG 89 50 4E 47 0D 0A 1A 0A; WEBP "RIFF" size "WEBP". */
export function imageKind(head: Uint8Array): 'jpg' | 'png' | 'webp' | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpg';
  if (head.length >= 8 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'png';
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** Advice when a video is outside TikTok's recommended in-feed specs (VIDEO_SPEC), else undefined. */
export function videoAdvice(media: MediaInfo): string | undefined {
  const notes: string[] = [];
  const ratio = media.width / media.height;
  // Within 2 %: encoders round odd sizes (e.g. 1080×1918), which TikTok accepts.
  const shape = VIDEO_SPEC.shapes.find((s) => Math.abs(ratio - s.ratio) / s.ratio <= 0.02);
  if (!shape) notes.push('TikTok recommends 9:16, 1:1 or 16:9 for in-feed ads');
  else if (media.width < shape.minWidth || media.height < shape.minHeight)
    notes.push(`TikTok recommends at least ${shape.minWidth}×${shape.minHeight} for ${shape.name}`);
  if (media.seconds < VIDEO_SPEC.minSeconds || media.seconds > VIDEO_SPEC.maxSeconds) notes.push('TikTok recommends 5–60 s for in-feed ads');
  return notes.length ? notes.join('; ') : undefined;
}

function mediaText(media: MediaInfo): string {
  const seconds = media.seconds >= 10 ? Math.round(media.seconds) : Math.round(media.seconds * 10) / 10;
  return `${seconds} s, ${media.width}×${media.height}`;
}

function statusText(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `${status} ${text}` : String(status);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function sizeText(size: number | undefined): string {
  return size === undefined ? '' : `, ${formatBytes(size)}`;
}

/** Names where a redirected link ended, which is what the user has to fix. */
function via(seen: Answer): string {
  return seen.redirects > 0 ? ` (after ${seen.redirects} ${seen.redirects === 1 ? 'redirect' : 'redirects'}, at ${seen.finalUrl})` : '';
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}
