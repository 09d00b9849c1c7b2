/**
 * One way to say what the network did, for every place that talks to it: the Adspirer client, the
 * link checks and the Google Sheets download. Node and undici put the system's code (getaddrinfo,
 * connect, TLS) on the error or on its `cause`. Pure.
 */
export interface NetworkFailure {
  /** The system's or undici's code, e.g. ENOTFOUND; the error's name when it has none. */
  readonly code: string;
  /** A few words for a person: "host not found (DNS)". */
  readonly text: string;
  /**
   * The host could not be reached at all (DNS, refused, no route, TLS, no connection in time): no
   * request left this machine, and every other request to the host would meet the same.
   */
  readonly unreachable: boolean;
}

const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|TLS|SSL|HOSTNAME_MISMATCH|ALTNAME/;

export function describeNetworkError(err: unknown): NetworkFailure {
  const e = (err ?? {}) as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const raw = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  const code = raw ?? (typeof e.name === 'string' ? e.name : 'ERROR');
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : typeof e.cause?.message === 'string' ? e.cause.message : String(err);
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return { code, text: 'host not found (DNS)', unreachable: true };
    case 'ECONNREFUSED':
      return { code, text: 'connection refused', unreachable: true };
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
    case 'EHOSTDOWN':
      return { code, text: `no route to the host (${code})`, unreachable: true };
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { code, text: 'no connection could be made in time', unreachable: true };
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
    case 'AbortError':
      return { code, text: 'the request was stopped before its answer arrived', unreachable: false };
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return { code, text: 'the connection was closed before the answer arrived', unreachable: false };
  }
  if (TLS.test(code)) return { code, text: `its TLS certificate is not trusted (${code})`, unreachable: true };
  return { code, text: raw ? `${code}: ${message}`.replace(/\s+/g, ' ').trim() : message, unreachable: false };
}
