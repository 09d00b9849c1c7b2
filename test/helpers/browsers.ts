import { existsSync } from 'node:fs';

/**
 * Where the real browsers the page is tested in are: CHROMIUM_PATH / FIREFOX_PATH, else the usual
 * places. On a machine without one, its suite is skipped with one line saying how to install it,
 * so `npm test` passes on a fresh machine; under CI (CI=true, as `.ci/run` runs, which installs
 * both) a missing browser fails instead, so the page is always tested there.
 */
function find(envName: string, usual: readonly string[]): string | undefined {
  const given = process.env[envName];
  if (given) return given;
  return usual.find((p) => existsSync(p));
}

export const CHROMIUM = find('CHROMIUM_PATH', ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/snap/bin/chromium']);
export const FIREFOX = find('FIREFOX_PATH', ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/snap/bin/firefox']);

const HOW = {
  Chromium: 'apt-get install chromium, or set CHROMIUM_PATH',
  Firefox: 'apt-get install firefox-esr, or set FIREFOX_PATH',
} as const;

/** Whether a browser's suite runs here; says once why not, and refuses to skip under CI. */
export function browserSuiteRuns(name: keyof typeof HOW, path: string | undefined): boolean {
  if (process.env.STRYKER_MUTATOR_WORKER) return false; // mutation testing mutates no code of the page
  if (path !== undefined) return true;
  if (process.env.CI) return true; // the suite runs and fails, naming the missing browser
  console.warn(`Skipped: the web page's ${name} tests (${name} not found; ${HOW[name]}).`);
  return false;
}
