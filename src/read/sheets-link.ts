/** A Google Sheets link as users copy it: https://docs.google.com/spreadsheets/d/ID/edit#gid=N. */
export interface SheetsLink {
  readonly url: string;
  readonly id: string;
  /** The tab the link points at (#gid=N or ?gid=N), when it names one. */
  readonly gid?: string;
}

const LINK = /^https:\/\/docs\.google\.com\/spreadsheets\/(?:u\/\d+\/)?d\/([A-Za-z0-9_-]{10,})(?:[/?#].*)?$/;

export function parseSheetsLink(text: string): SheetsLink | undefined {
  const m = LINK.exec(text.trim());
  if (!m) return undefined;
  const gid = /[?#&]gid=(\d+)/.exec(text)?.[1];
  return { url: text.trim(), id: m[1]!, ...(gid !== undefined ? { gid } : {}) };
}
