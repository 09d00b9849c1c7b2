import { readFile, stat } from 'node:fs/promises';
import { platform } from 'node:os';
import { RunError } from '../errors.js';

export interface ApiKey {
  readonly value: string;
  /** A warning to show (never containing the key). */
  readonly warning?: string;
}

/**
 * The API key: ADSPIRER_API_KEY, or --api-key-file (never a plain --api-key, which would land in
 * shell history). A file others can read earns a warning.
 */
export async function loadApiKey(file: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<ApiKey | undefined> {
  if (file !== undefined) {
    let text: string;
    let mode: number;
    try {
      const info = await stat(file);
      // A pipe or a device would be read for ever (and ignore Ctrl-C): only a file holds a key.
      if (!info.isFile() && !info.isDirectory())
        throw new RunError('SETUP', `--api-key-file ${file} is not a regular file (a pipe or a device would never end); give a file that holds the key.`);
      text = await readFile(file, 'utf8');
      mode = info.mode;
    } catch (err) {
      if (err instanceof RunError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      throw new RunError('SETUP', `--api-key-file ${file} cannot be read (${code ?? 'error'}).`);
    }
    const value = text.trim();
    if (value === '' || /\s/.test(value)) throw new RunError('SETUP', `--api-key-file ${file} must hold just the key on one line.`);
    const warning = (mode & 0o044) !== 0 && platform() !== 'win32' ? `${file} can be read by other users; restrict it with: chmod 600 ${file}` : undefined;
    return { value, ...(warning ? { warning } : {}) };
  }
  const value = env.ADSPIRER_API_KEY?.trim();
  if (value === undefined || value === '') return undefined;
  return { value };
}
