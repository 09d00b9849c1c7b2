// npm links `bin` targets but a fresh `tsc` output is not executable; `npx` in a clone needs the bit.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
