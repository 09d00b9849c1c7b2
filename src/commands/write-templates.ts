/** `npm run templates`: regenerates templates/ from the schema (test/template.test.ts checks they match). */
// Stryker disable all: a script run by `npm run templates`; what it writes is held to the schema by
// test/template.test.ts, and a mutant here would rewrite the committed templates.
import { writeTemplate } from './template.js';

// Regenerating replaces the committed templates on purpose.
await writeTemplate('csv', 'templates/ad-template.csv', { force: true });
await writeTemplate('xlsx', 'templates/ad-template.xlsx', { force: true });
