/**
 * How link checks go by default: 10 s a link, 8 at once and 2 per host (a CDN treats more as a
 * crawler), and the first 64 KiB of a file (enough for an MP4's ftyp and usually its moov).
 * Apart from check-links.ts so that reading an option does not load the HTTP client.
 */
export const LINK_CHECK_DEFAULTS = { timeoutMs: 10_000, concurrency: 8, perHost: 2, probeBytes: 64 * 1024 } as const;
