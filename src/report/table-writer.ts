/** A sink for rows of text cells: the report and the retry file, as CSV or XLSX. */
export interface TableWriter {
  readonly path: string;
  /**
   * Writes one row. When the writer must wait (back-pressure, a batch on its way to the file) it
   * returns a promise to await before the next row.
   */
  write(cells: readonly string[], style?: RowStyle): Promise<void> | void;
  /** Flushes and closes; the file is complete after this. */
  close(): Promise<void>;
}

/** How an XLSX report shows a row; CSV ignores it. */
export interface RowStyle {
  readonly status?: string;
  /** Index of a cell that deserves a note (a long error message). */
  readonly noteAt?: number;
}
