/**
 * Every kind of row problem and warning, declared once. A problem's code is `<subject>.<kind>`:
 * the field it names (`ad_text.too_long`), or `row` / `column` for what belongs to no field
 * (`row.duplicate`, `column.unnamed`). Codes are stable: scripts, the page and the library match on
 * them, while the messages beside them may be reworded. The README's table is held to this list.
 */
export const PROBLEM_KINDS = {
  // A cell that cannot be read as a value.
  spreadsheet_error: 'the cell shows a failed formula (#N/A, #REF!, …)',
  unsaved_formula: 'a formula saved without its value',
  not_utf8: 'bytes that are not UTF-8 text',
  nul_byte: 'a NUL byte: the file is damaged there',
  cell_too_long: 'a cell longer than any field takes',
  // IDs.
  not_digits: 'an ID that is not digits only',
  has_spaces: 'an ID with spaces in it',
  unsafe_number: 'an ID stored as a number too large to hold it exactly',
  scientific: 'an ID shown in scientific notation, its digits lost',
  rounded: 'an ID whose last digits a spreadsheet turned to zeros',
  thousands_separators: 'one ID typed with thousands separators',
  listed_twice: 'the same ad group listed twice in one cell',
  not_found: 'an ad group the advertiser does not have (checked with list_tiktok_ad_groups)',
  // Lists and pairs.
  run_together: 'several items run together without a separator',
  bad_json: 'a cell that starts like JSON but is not',
  bad_json_item: 'a JSON item without text and url',
  bad_pair: 'a line that is not a text|url pair',
  too_many: 'more items than TikTok allows',
  no_text: 'a link without its text',
  // Values.
  too_long: 'a text longer than TikTok allows',
  emoji: 'an emoji where TikTok takes none',
  not_url: 'not a full URL',
  space_in_url: 'a URL with a space in it',
  not_https: 'a URL that is not https',
  no_host: 'a URL without a real host name',
  not_app_link: 'not an app link (scheme://path)',
  unsafe_scheme: 'an app link with a scheme that is no app (javascript:, data:, …)',
  not_allowed: 'a value TikTok does not accept for this field',
  retired: 'a value TikTok stopped accepting',
  not_boolean: 'not TRUE or FALSE',
  upload_failed: 'a video_id of "None": the video upload failed',
  // Fields together.
  missing: 'a required field is empty',
  no_creative: 'no creative source given',
  several_creatives: 'more than one creative source given',
  needs_other: 'a field set without the field it needs',
  conflicts: 'a value that contradicts another field',
  spark_identity: "a Spark ad's identity that is missing or not TT_USER",
  // The row and the sheet.
  unnamed: 'a value in a column with no name',
  beyond_header: 'values right of the last named column',
  record_too_large: 'a row larger than a row may be (a file pasted into a cell?)',
  unclosed_quote: 'a quote that swallowed the lines after it',
  template_example: "the template's example row",
  duplicate: 'the same ad as an earlier row',
  // Links (upload, validate --check-links).
  unchecked: 'a link that could not be checked',
  too_large: 'a file over TikTok’s size limit',
  wrong_type: 'a file of the wrong type',
  not_media: 'a file that does not start like a video or image of an accepted kind',
  error_status: 'a link that answered an error',
  server_error: "a creative's server that failed (5xx)",
  html_page: 'an HTML page where a file was expected',
  video_advice: 'a video TikTok may refuse or show badly (length, size, ratio)',
  media_info: "a creative's facts (length, size), shown with no fault found",
  // Warnings: the value was read, and is worth a look.
  invisible_removed: 'invisible characters removed',
  text_marker_removed: "Excel's leading ' removed",
  loose_separators: 'a list split at commas or semicolons',
  korean_count: 'a text within the limit unless Korean counts two',
  direct_link: 'a Google Drive or Dropbox page replaced by its direct link',
  http_tracking: 'a tracking URL over http',
  link_label: "a link cell's label replaced by its link",
  other_spelling: "TikTok's own spelling of a value, sent as written",
  discouraged: 'a value TikTok accepts but advises against',
  corrected: 'a value corrected to the one TikTok knows',
} as const;

export type ProblemKind = keyof typeof PROBLEM_KINDS;

/** A problem's subject in its code: a field's name, `row`, or `column` for "column C". */
export function codeSubject(field: string): string {
  if (field.startsWith('column ')) return 'column';
  return /^[a-z_]+/.exec(field)?.[0] ?? 'row';
}

export function problemCode(field: string, kind: ProblemKind): string {
  return `${codeSubject(field)}.${kind}`;
}

/** The README's table of problem kinds, made from the list above (a test holds the README to it). */
export function problemKindTable(): string {
  const rows = Object.entries(PROBLEM_KINDS).map(([kind, meaning]) => `| \`${kind}\` | ${meaning} |`);
  return ['| kind | meaning |', '|---|---|', ...rows].join('\n');
}
