/**
 * How link checks go by default: 10 s a link, 8 at once, 4 per host to start and at most 8 while
 * the host answers quickly (host-pace.ts: fewer on its 429/503), and the first 64 KiB of a file
 * (enough for an MP4's ftyp and usually its moov). Apart from check-links.ts so that reading an
 * option does not load the HTTP client.
 */
export const LINK_CHECK_DEFAULTS = { timeoutMs: 10_000, concurrency: 8, perHost: 4, perHostMax: 8, probeBytes: 64 * 1024 } as const;
