// tscm lab: one emulated device in the foreground (for trying tscm against a router's real config), or
// `tscm lab demo`, the embedded default: the whole job end to end against emulated devices.

import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../errors.js';
import { startIosEmulator } from '../../lab/ios/index.js';

export interface LabOptions {
  platform: 'ios';
  listen: string;
  config?: string;
  username: string;
  password: string;
  enablePassword: string;
}

export async function labCommand(action: string | undefined, opts: LabOptions): Promise<number> {
  if (action === 'demo') return (await import('./lab-demo.js')).runLabDemo();
  if (action !== undefined)
    throw new ConfigError(`unknown lab action "${action}"`, 'use `tscm lab demo`, or no action to run one device');
  const { host, port } = parseListen(opts.listen);
  const config = opts.config ? await readConfig(opts.config) : undefined;
  const device = await startIosEmulator({
    host,
    port,
    config,
    username: opts.username,
    password: opts.password,
    enablePassword: opts.enablePassword,
  });
  process.stdout.write(
    [
      `Emulated Cisco IOS router listening on ${device.host}:${device.port}`,
      `  host key: ${device.hostKeyFingerprint}`,
      `  login: ${opts.username} (password and enable password as given; lab use only)`,
      config ? `  booted from ${opts.config}` : '  booted from the default configuration',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await device.close();
  return 0;
}

function parseListen(listen: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(listen);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535)
    throw new ConfigError(`--listen "${listen}" is not host:port`, 'e.g. --listen 127.0.0.1:2222');
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

async function readConfig(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read --config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'give the path of a running-config text file',
    );
  }
}
