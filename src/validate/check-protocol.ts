import type { RawRecord } from '../read/cell.js';
import type { ByteRange } from '../read/csv-ranges.js';
import type { ParseFailure } from '../read/delimited.js';
import type { ReadLimits } from '../read/limits.js';
import type { LineBreak } from '../read/record-bounds.js';
import type { Delimiter } from '../read/sniff.js';
import type { AdNameTemplate } from './ad-name.js';
import type { ChunkWants, CheckedChunk } from './checked-chunk.js';

/** What a checking worker is started with: everything a row's verdict depends on, as plain data. */
export interface WorkerSetup {
  readonly file: string;
  readonly header: readonly string[];
  readonly defaults: readonly (readonly [string, string])[];
  readonly adName?: AdNameTemplate;
  readonly runDate: string;
  readonly limits: ReadLimits;
  readonly wants: ChunkWants;
  /** For byte-range jobs: how the file's records are delimited. */
  readonly csv?: { readonly delimiter: Delimiter; readonly lineBreak: LineBreak };
}

/** A byte range of the file to read and check, or records the main thread read (xlsx). */
export type CheckJob = { readonly kind: 'range'; readonly range: ByteRange } | { readonly kind: 'records'; readonly records: readonly RawRecord[] };

export type CheckAnswer =
  | {
      readonly id: number;
      readonly chunk: CheckedChunk;
      /** The range's records stopped at `row` (relative to the range), after `chunk`, because the file could not be parsed there. */
      readonly stopped?: { readonly row: number; readonly failure: ParseFailure };
    }
  /** A fault of the tool itself. */
  | { readonly id: number; readonly crashed: string };
