import { cellText, isEmptyCell, type Cell, type CellNote, type RawRecord } from '../read/cell.js';
import { problem, type AdArgs, type ArgValue, type Problem } from './args.js';
import { PROBLEM_KINDS, type ProblemKind } from './problem-codes.js';
import { renderAdName, type AdNameTemplate } from './ad-name.js';
import { coerceCell } from './coerce.js';
import { columnLetter } from '../read/sheet.js';
import type { ColumnMap } from './columns.js';
import { FIELD_BY_NAME, FIELDS, type FieldSpec } from './fields.js';
import { schemaFor } from './schema.js';

export interface RowRules {
  readonly columns: ColumnMap;
  /** `--set FIELD=VALUE`: text that fills an empty cell of every row. */
  readonly defaults: ReadonlyMap<string, string>;
  readonly adName?: AdNameTemplate;
  /** The date {date} renders as: the batch's first run date, so re-runs derive the same keys. */
  readonly runDate: string;
  readonly maxCellChars: number;
  /** For a required field with no column: the user's column that may be meant for it. */
  readonly missingHints?: ReadonlyMap<string, string>;
  /** --trust-ids: 16–19 digit IDs ending in zeros are taken as typed. */
  readonly trustIds?: boolean;
}

/** A row after validation: one ad per ad group when valid, else its problems. */
export interface RowVerdict {
  readonly row: number;
  readonly ads: readonly AdArgs[];
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
}

/** Turns one raw record into checked add_tiktok_ad arguments, or every problem found. Pure. */
export function validateRow(record: RawRecord, rules: RowRules): RowVerdict {
  const problems: Problem[] = (record.problems ?? []).map((p) => problem(p.field, p.kind, p.message));
  const warnings: Problem[] = [];
  const { roles, header } = rules.columns;

  let beyond = 0;
  let firstBeyond = -1;
  record.cells.forEach((cell, i) => {
    if (isEmptyCell(cell)) return;
    const role = roles[i];
    if (role === undefined) {
      if (beyond++ === 0) firstBeyond = i;
    } else if (role.kind === 'blank') {
      problems.push(problem(`column ${columnLetter(i)}`, 'unnamed', 'has a value but no column name in the header row; name the column or clear it'));
    }
    if (typeof cell === 'string' && cell.length > rules.maxCellChars) {
      const name = role?.kind === 'field' ? role.field.name : `column ${columnLetter(i)}`;
      problems.push(
        problem(
          name,
          'cell_too_long',
          `is ${cell.length.toLocaleString('en-US')} characters long; no field takes more than ${rules.maxCellChars.toLocaleString('en-US')}`,
        ),
      );
    }
  });

  if (isTemplateExample(record, rules)) {
    problems.push(problem('row', 'template_example', "is the template's example row (every value is the example's); delete it or replace it with a real ad"));
  }

  if (beyond > 0) {
    // One problem for all of them: a row of 100,000 stray cells must not print 100,000 lines.
    problems.push(
      problem(
        `column ${columnLetter(firstBeyond)}`,
        'beyond_header',
        beyond === 1
          ? `has a value but the header has only ${header.length} columns; move it into a named column or delete it`
          : `and ${beyond - 1} more cells to its right have values but the header has only ${header.length} columns; a stray delimiter or a row pasted one column off?`,
      ),
    );
  }

  const values: Record<string, ArgValue> = {};
  // Fields whose cell could not be read: already reported, so not "missing" as well.
  const unreadable = new Set<string>();
  for (const { field, index, fallback } of fieldSources(rules)) {
    let cell = index === undefined ? null : (record.cells[index] ?? null);
    const note = index === undefined ? undefined : record.notes?.get(index);
    if (isEmptyCell(cell) && note?.formula !== undefined && fallback === null) {
      problems.push(
        problem(
          field.name,
          'unsaved_formula',
          `is the formula =${note.formula} with no saved value (the workbook was saved without calculating it). Open it in Excel or LibreOffice, save it again, and re-run`,
        ),
      );
      unreadable.add(field.name);
      continue;
    }
    if (isEmptyCell(cell)) cell = fallback;
    if (cell === null) continue;
    const read = readAs(field, cell, note);
    cell = read.cell;
    if (read.warning) warnings.push(problem(field.name, 'link_label', read.warning));
    if (typeof cell === 'string' && cell.length > rules.maxCellChars) {
      unreadable.add(field.name);
      continue;
    }
    const c = coerceCell(field, cell, rules.trustIds === true);
    if (!c.ok) {
      problems.push(problem(field.name, c.kind, c.message));
      unreadable.add(field.name);
    } else {
      if (c.value !== undefined) values[field.name] = c.value;
      for (const w of c.warnings ?? []) warnings.push(problem(field.name, w.kind, w.message));
    }
  }

  const adgroups = splitAdgroups(values.adgroup_id, problems);
  const ads: AdArgs[] = [];
  for (const adgroup of adgroups.length ? adgroups : [undefined]) {
    const candidate: Record<string, ArgValue> = adgroups.length === 1 ? values : { ...values };
    if (adgroup === undefined) delete candidate.adgroup_id;
    else candidate.adgroup_id = adgroup;
    if (candidate.ad_name === undefined && rules.adName) {
      const name = renderAdName(rules.adName, candidate, record.row, rules.runDate);
      if (name !== '') candidate.ad_name = name;
    }
    const parsed = schemaOf(rules).safeParse(candidate);
    if (parsed.success) {
      ads.push(parsed.data as AdArgs);
    } else {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? 'row');
        if (unreadable.has(field)) continue;
        // "No creative" when a creative cell was there but could not be read says nothing new.
        if (issue.message.startsWith('no creative') && CREATIVE_FIELDS.some((f) => unreadable.has(f))) continue;
        // Nor does "needs disclaimer_clickable_texts" when that cell was there but could not be read.
        const kind = issueKind(issue);
        if ((kind === 'needs_other' || kind === 'conflicts') && [...unreadable].some((f) => issue.message.includes(f))) continue;
        const hint = rules.missingHints?.get(field);
        const p = problem(
          field,
          kind,
          hint !== undefined && issue.message.startsWith('is missing')
            ? `${issue.message}. There is no ${field} column; is column "${hint}" meant to be ${field}? Rename it`
            : issue.message,
        );
        if (!problems.some((q) => q.field === p.field && q.message === p.message)) problems.push(p);
      }
    }
  }
  return problems.length ? { row: record.row, ads: [], problems, warnings } : { row: record.row, ads, problems, warnings };
}

/** The kind schema.ts put in an issue's params; zod's own issues (a wrong type) are `not_allowed`. */
function issueKind(issue: object): ProblemKind {
  const kind = 'params' in issue ? (issue.params as { kind?: unknown } | undefined)?.kind : undefined;
  return typeof kind === 'string' && kind in PROBLEM_KINDS ? (kind as ProblemKind) : 'not_allowed';
}

/**
 * What a workbook cell means for a field: a link cell whose text is a label gives its target to a
 * URL field; a number or date typed into a text field keeps the text the sheet shows.
 */
function readAs(field: FieldSpec, cell: Cell, note: CellNote | undefined): { cell: Cell; warning?: string } {
  if (!note) return { cell };
  if (note.link !== undefined && (field.kind === 'url' || field.kind === 'urlList')) {
    const text = cellText(cell).trim();
    if (text === note.link || /^https?:\/\//i.test(text)) return { cell };
    return { cell: note.link, warning: `is the link label "${text}"; its link ${note.link} is used` };
  }
  if (note.shown !== undefined && field.kind === 'text' && (typeof cell === 'number' || cell instanceof Date)) return { cell: note.shown };
  return { cell };
}

/** The template's example row, left in by accident: every filled field holds its example value. */
function isTemplateExample(record: RawRecord, rules: RowRules): boolean {
  let same = 0;
  for (const [name, index] of rules.columns.indexOf) {
    const cell = record.cells[index] ?? null;
    if (isEmptyCell(cell)) continue;
    const field = FIELD_BY_NAME.get(name);
    if (!field || cellText(cell).trim() !== field.example) return false;
    same++;
  }
  return same >= 3;
}

const CREATIVE_FIELDS = ['video_url', 'video_id', 'image_urls', 'image_ids', 'tiktok_item_id'];

interface FieldSource {
  readonly field: FieldSpec;
  readonly index: number | undefined;
  readonly fallback: string | null;
}

const SOURCES = new WeakMap<RowRules, readonly FieldSource[]>();
const SCHEMAS = new WeakMap<RowRules, ReturnType<typeof schemaFor>>();

/** The schema over the fields this sheet can fill, and ad_name (which a template may make). */
function schemaOf(rules: RowRules): ReturnType<typeof schemaFor> {
  let schema = SCHEMAS.get(rules);
  if (!schema) {
    schema = schemaFor([...new Set([...fieldSources(rules).map((s) => s.field.name), 'ad_name'])]);
    SCHEMAS.set(rules, schema);
  }
  return schema;
}

/** The fields a sheet can fill (a column or a --set default), worked out once per sheet. */
function fieldSources(rules: RowRules): readonly FieldSource[] {
  let sources = SOURCES.get(rules);
  if (!sources) {
    sources = FIELDS.map((field) => ({ field, index: rules.columns.indexOf.get(field.name), fallback: rules.defaults.get(field.name) ?? null })).filter(
      (s) => s.index !== undefined || s.fallback !== null,
    );
    SOURCES.set(rules, sources);
  }
  return sources;
}

function splitAdgroups(value: ArgValue | undefined, problems: Problem[]): string[] {
  if (typeof value !== 'string') return [];
  if (!value.includes('|')) return [value];
  const ids = value.split('|');
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ids) {
    if (seen.has(id)) {
      problems.push(problem('adgroup_id', 'listed_twice', `lists ad group ${id} twice; each ad group once is enough`));
      continue;
    }
    seen.add(id);
    out.push(id);
  }
  return out;
}
