import type { LINK_FIELDS } from '../validate/fields.js';

/** What checking one link saw: the facts the verdict rules judge. No judgement here. */

/** Duration and display size of a video, read from its MP4/MOV header (moov). */
export interface MediaInfo {
  readonly seconds: number;
  /** Display width and height: a rotated phone video is counted as it plays. */
  readonly width: number;
  readonly height: number;
}

export type Observation =
  | {
      readonly kind: 'answer';
      /** Where the answer came from, after redirects. */
      readonly finalUrl: string;
      readonly redirects: number;
      readonly status: number;
      /** Media type without parameters, lower case ("video/mp4"); absent when the server sent none. */
      readonly type?: string;
      /** Whole size in bytes, from Content-Range or Content-Length, when the server said. */
      readonly size?: number;
      /** The first bytes of the body, when they were fetched (a ranged GET). */
      readonly head?: Uint8Array;
      readonly media?: MediaInfo;
      /** Why the media header was not read, when it was looked for and not found. */
      readonly mediaNote?: string;
      /** A 429's or 503's Retry-After, as sent: the host's own pace (links/host-pace.ts). */
      readonly retryAfter?: string;
    }
  | {
      /** No answer that can be judged: DNS, refused connection, TLS, timeout, a redirect not followed. */
      readonly kind: 'unchecked';
      readonly reason: string;
      /** The host itself could not be reached (DNS, refused, TLS): every link to it would meet the same. */
      readonly unreachable?: true;
    };

/** The fields whose links are checked, and how each is judged. */
export type LinkField = (typeof LINK_FIELDS)[number];
