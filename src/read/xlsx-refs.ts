import JSZip from 'jszip';
import { columnLetter } from './sheet.js';

/**
 * Gives every row and cell of a workbook's sheets the `r` reference that ECMA-376 (Part 1,
 * §18.3.1.73 and §18.3.1.4) makes optional: a writer may leave it out, and then the position is the
 * element's place. LibreOffice opens such files; exceljs refuses them ("Invalid row number in
 * model"), so the references are added by position before exceljs reads the workbook. JSZip (which
 * exceljs reads workbooks with) rewrites the archive. Only called for a workbook that needs it.
 */
export async function withCellReferences(data: Buffer): Promise<Buffer> {
  const zip = await JSZip.loadAsync(data);
  for (const name of Object.keys(zip.files).filter((n) => /^xl\/worksheets\/[^/]+\.xml$/i.test(n))) {
    const xml = await zip.file(name)!.async('string');
    zip.file(name, numberRowsAndCells(xml));
  }
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Adds `r="N"` to rows and `r="A1"` to cells that lack them, counting from the last given one. Pure. */
export function numberRowsAndCells(xml: string): string {
  let row = 0;
  let col = 0;
  return xml.replace(/<(row|c)(\s[^>]*?)?(\/?)>/g, (whole: string, tag: string, attrs: string | undefined, selfClosing: string) => {
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
