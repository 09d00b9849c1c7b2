/** `npm run templates`: regenerates templates/ from the schema (test/template.test.ts checks they match). */
import { writeTemplate } from './template.js';

await writeTemplate('csv', 'templates/ad-template.csv');
await writeTemplate('xlsx', 'templates/ad-template.xlsx');
