import type { Cell, RawRecord } from '../read/cell.js';
import { keyBytes } from '../keys/idempotency-key.js';
import { canonicalOf } from '../keys/occurrences.js';
import { ByteBatch } from '../report/byte-batch.js';
import { encodeInputCsv } from '../report/report-line.js';
import type { Problem } from './args.js';
import { validateRow, type RowRules } from './validate-row.js';

/**
 * The verdicts on a run of records, in a compact form that crosses between threads cheaply
 * (typed arrays move without copying): what `validate` needs of each ad, and nothing it does not.
 * Duplicates are not decided here: that takes every earlier row, which only the merging side has.
 */
export interface CheckedChunk {
  /** Records read, blank ones included: the next byte range's row numbers continue after them. */
  readonly records: number;
  /** Per ad: its row number as the records were numbered (relative to a byte range's start). */
  readonly rows: Int32Array<ArrayBuffer>;
  /** Per ad: 1 when the row passed every check. */
  readonly valid: Uint8Array<ArrayBuffer>;
  /** Per ad, 16 bytes: its first-occurrence key (keys/idempotency-key.ts); zeros when invalid. */
  readonly keys: Uint8Array<ArrayBuffer>;
  /** Problems and warnings, for the ads that have any. */
  readonly notes: readonly AdNotes[];
  /** Per ad: the input row's cells, for a report that needs them as cells (xlsx). */
  readonly inputs?: readonly (readonly Cell[])[];
  /**
   * The ads' input rows encoded for a CSV report (report/report-line.ts encodeInputCsv) as UTF-8,
   * one after the other, ad i's ending at ends[i]: bytes move between threads without a copy,
   * and the report writer copies them to the file as they are (report/byte-batch.ts).
   */
  readonly inputCsv?: { readonly bytes: Uint8Array<ArrayBuffer>; readonly ends: Int32Array<ArrayBuffer> };
  /** Per ad: its canonical JSON when valid, when repeated ads keep their own keys (--allow-duplicates). */
  readonly canonical?: readonly (string | null)[];
}

export interface AdNotes {
  readonly ad: number;
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
}

export interface ChunkWants {
  /** What of each ad's input row to send back: nothing (no report), its cells, or its CSV text. */
  readonly inputs: 'none' | 'cells' | 'csv';
  readonly canonical: boolean;
  /** Columns in the header: a CSV report's input columns. */
  readonly width: number;
}

/** Validates records one by one into a CheckedChunk. Pure apart from its own state. */
export class ChunkBuilder {
  private readonly rows: number[] = [];
  private readonly valid: number[] = [];
  private keys = new Uint8Array(16 * 1024);
  private readonly notes: AdNotes[] = [];
  private readonly inputs: (readonly Cell[])[] = [];
  private readonly inputBytes = new ByteBatch(64 * 1024);
  private readonly inputEnds: number[] = [];
  private readonly canonical: (string | null)[] = [];

  constructor(
    private readonly rules: RowRules,
    private readonly wants: ChunkWants,
  ) {}

  /** Adds one record; a record with no value at all is skipped, as the readers skip it. */
  add(record: RawRecord): void {
    if (record.cells.every((c) => c === null)) return;
    const verdict = validateRow(record, this.rules);
    if (verdict.ads.length === 0) {
      this.push(record, null, verdict.problems, verdict.warnings);
      return;
    }
    for (const args of verdict.ads) this.push(record, canonicalOf(args), [], verdict.warnings);
  }

  finish(records: number): CheckedChunk {
    const n = this.rows.length;
    return {
      records,
      rows: Int32Array.from(this.rows),
      valid: Uint8Array.from(this.valid),
      keys: this.keys.slice(0, 16 * n),
      notes: this.notes,
      ...(this.wants.inputs === 'cells' ? { inputs: this.inputs } : {}),
      ...(this.wants.inputs === 'csv' ? { inputCsv: { bytes: this.inputBytes.take() as Uint8Array<ArrayBuffer>, ends: Int32Array.from(this.inputEnds) } } : {}),
      ...(this.wants.canonical ? { canonical: this.canonical } : {}),
    };
  }

  private push(record: RawRecord, canonical: string | null, problems: readonly Problem[], warnings: readonly Problem[]): void {
    const ad = this.rows.length;
    this.rows.push(record.row);
    this.valid.push(canonical === null ? 0 : 1);
    if (16 * (ad + 1) > this.keys.length) {
      const grown = new Uint8Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    if (canonical !== null) this.keys.set(keyBytes(canonical, 1), 16 * ad);
    if (problems.length || warnings.length) this.notes.push({ ad, problems, warnings });
    if (this.wants.inputs === 'cells') this.inputs.push(record.cells);
    else if (this.wants.inputs === 'csv') {
      this.inputBytes.text(encodeInputCsv(record.cells, this.wants.width));
      this.inputEnds.push(this.inputBytes.length);
    }
    if (this.wants.canonical) this.canonical.push(canonical);
  }
}
