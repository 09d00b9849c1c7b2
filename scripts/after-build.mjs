// After tsc: the command is bundled, the web page's static files are copied, and the bin is made
// executable (`npx` in a clone needs the bit).
import { chmodSync, cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

cpSync(new URL('../src/ui/static/', import.meta.url), new URL('../dist/ui/static/', import.meta.url), { recursive: true });

// The command as one file plus lazy chunks: Node 20 starts an ES module graph of some 150 files
// (zod alone is most of them) noticeably slower than one file, and start-up is most of a
// 3,000-row run (README, "Performance"). Each subcommand's code stays in a chunk loaded only when
// it runs; the large packages those chunks need (exceljs, undici, mp4box) stay in node_modules.
const out = new URL('../dist/bin/', import.meta.url);
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: { 'tiktok-ads-bulk': new URL('../dist/cli/main.js', import.meta.url).pathname },
  outdir: out.pathname,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['exceljs', 'undici', 'mp4box', 'jszip', 'ssf'],
  // Bundled CommonJS (a dependency's dependency) may call require for Node's own modules.
  banner: { js: "import { createRequire as __tabCreateRequire } from 'node:module'; const require = __tabCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync(new URL('tiktok-ads-bulk.mjs', out), 0o755);
