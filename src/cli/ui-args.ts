import { spawn } from 'node:child_process';
import { platform } from 'node:os';
import { startUi } from '../ui/server.js';
import { defaultOf } from '../options/registry.js';
import { given, registryOptions, str as s } from './option-values.js';
import type { CliContext, Values } from './context.js';

/** `ui`: serves the web page on 127.0.0.1 until Ctrl-C. */
export async function uiFromCli(values: Values, ctx: CliContext): Promise<number> {
  const ui = await startUi({
    dir: s(values.dir) ?? '.',
    port: (registryOptions('ui', values).port as number | undefined) ?? defaultOf('ui', 'port'),
    env: ctx.env,
    ...given('apiKeyFile', s(values['api-key-file'])),
    ...given('endpoint', s(values.endpoint)),
  });
  if (ui.warning) ctx.io.err(`Warning: ${ui.warning}\n`);
  ctx.io.out(`open ${ui.openUrl}\n`);
  ctx.io.err(
    'The page runs on this machine only; the address holds its session key, so share it with no one. Ctrl-C stops it (a batch in progress finishes its requests in flight first).\n',
  );
  if (values.open) openBrowser(ui.openUrl);
  ctx.onSimStarted?.(() => ui.close());
  return 0;
}

/** The platform's own opener; a failure only means the user opens the printed address. */
function openBrowser(url: string): void {
  const [cmd, args] = platform() === 'darwin' ? ['open', [url]] : platform() === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}
