import type { CallOptions } from './client.js';
import type { Outcome } from './outcome.js';

/** What the batch needs of a client: the real AdspirerClient, or a fake in tests. */
export interface Transport {
  call(tool: string, args: Record<string, unknown>, options?: CallOptions): Promise<Outcome>;
}
