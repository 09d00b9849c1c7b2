// After tsc: npm links `bin` targets but a fresh `tsc` output is not executable (`npx` in a clone
// needs the bit), and the web page's static files (HTML, CSS, plain JS) are not tsc's to copy.
import { chmodSync, cpSync } from 'node:fs';
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
cpSync(new URL('../src/ui/static/', import.meta.url), new URL('../dist/ui/static/', import.meta.url), { recursive: true });
