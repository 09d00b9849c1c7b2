import { columnLetter } from './sheet.js';

/*
 * ECMA-376 (Part 1, §18.3.1.73 and §18.3.1.4) makes the `r` reference of rows and cells optional:
 * a writer may leave it out, and then the position is the element's place. LibreOffice opens such
 * files; exceljs refuses them ("Invalid row number in model") or misreads them, so the references
 * are added by position before exceljs reads the sheet (xlsx.ts, only for a sheet that needs it).
 */

/** Whether any row or cell of a sheet's XML lacks its `r` reference. Pure. */
export function lacksReferences(xml: string): boolean {
  for (const m of xml.matchAll(ROW_OR_CELL)) if (!/\sr="/.test(m[2] ?? '')) return true;
  return false;
}

const ROW_OR_CELL = /<(row|c)(\s[^>]*?)?(\/?)>/g;

/** Adds `r="N"` to rows and `r="A1"` to cells that lack them, counting from the last given one. Pure. */
export function numberRowsAndCells(xml: string): string {
  let row = 0;
  let col = 0;
  return xml.replace(ROW_OR_CELL, (whole: string, tag: string, attrs: string | undefined, selfClosing: string) => {
    const a = attrs ?? '';
    const given = /\sr="([^"]*)"/.exec(a)?.[1];
    if (tag === 'row') {
      row = given !== undefined ? Number(given) : row + 1;
      col = 0;
      return given !== undefined ? whole : `<row r="${row}"${a}${selfClosing}>`;
    }
    if (given !== undefined) {
      col = columnNumber(given.replace(/\d+$/, ''));
      return whole;
    }
    col++;
    return `<c r="${columnLetter(col - 1)}${row}"${a}${selfClosing}>`;
  });
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}
