import { existsSync } from 'node:fs';

/**
 * The folder of the package's own package.json, found upwards from this module: the compiled
 * library sits in dist/, the bundled command in dist/bin/ (scripts/after-build.mjs), the sources
 * in src/, and each must find the same package.
 */
export function packageRoot(): URL {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    if (existsSync(new URL('package.json', dir))) return dir;
    if (new URL('../', dir).href === dir.href) throw new Error(`no package.json above ${import.meta.url}`);
  }
}
