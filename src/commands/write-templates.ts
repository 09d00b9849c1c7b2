/** `npm run templates`: regenerates templates/ from the schema (test/template.test.ts checks they match). */
import { writeTemplate } from './template.js';

// Regenerating replaces the committed templates on purpose.
await writeTemplate('csv', 'templates/ad-template.csv', { force: true });
await writeTemplate('xlsx', 'templates/ad-template.xlsx', { force: true });
