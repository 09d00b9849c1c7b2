/** What one HTTP attempt ended in, before any decision is made about it. */
export type Outcome =
  | {
      readonly kind: 'http';
      readonly status: number;
      /** Parsed JSON, or undefined when the body was not JSON. */
      readonly json: unknown;
      /** The raw body (first KiB), for messages about non-JSON answers. */
      readonly text: string;
      readonly retryAfter?: string;
      readonly location?: string;
    }
  | {
      readonly kind: 'network';
      readonly code: string;
      readonly message: string;
      readonly timeout: boolean;
      /** The host could not be reached at all (DNS, refused, TLS): the request never left. */
      readonly unreachable?: boolean;
    };
