// Logging in to a Cisco CLI, shared by the CLI drivers with each platform's words: credentials resolved at connect
// time, the transport (SSH by default; telnet where a platform opts in), enable with the platform's password
// question and refusal words, then the terminal set up (pager off, width) with commands a device may refuse.

import { ConfigError } from '../../errors.js';
import type { DriverContext } from '../driver.js';
import { findDeviceError } from './cli-text.js';
import type { DeviceErrorRule } from './cli-text.js';
import { readCliOptions } from './cli-settings.js';
import type { CliTransport } from './cli-transport.js';
import { CliSession } from './ssh-session.js';
import type { CliSessionSettings } from './ssh-session.js';

export interface CliLoginWords {
  /** Names the platform in logs (`ios connected`). */
  readonly platform: string;
  /** The enable password question when advanced.passwordPrompt does not say otherwise. */
  readonly defaultPasswordPrompt: string;
  /** How the platform refuses an enable secret; default: the common Cisco words. */
  readonly enableRefused?: RegExp;
  /** Terminal set-up after enable (`terminal length 0`); a refusal is logged, never fatal (the pager is handled). */
  readonly setup: readonly string[];
  readonly errorRules: readonly DeviceErrorRule[];
  /**
   * Opens a transport other than SSH (telnet for PIX 6.x), logged in with these credentials; absent: SSH with the
   * device's host key check and algorithm opt-ins.
   */
  readonly connect?: (o: CliConnectRequest) => Promise<CliTransport>;
}

export interface CliConnectRequest extends CliSessionSettings {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly connectTimeoutMs: number;
}

async function requireSecret(ctx: DriverContext, field: 'username' | 'password'): Promise<string> {
  const v = await ctx.secret(field);
  if (v === undefined || v === '') {
    throw new ConfigError(
      `device ${ctx.spec.name}: credentials.${field} resolved to nothing`,
      `set the environment variable or file that credentials.${field} refers to`,
    );
  }
  return v;
}

function compilePrompt(ctx: DriverContext, fallback: string): RegExp {
  const src = readCliOptions(ctx.spec.options).passwordPrompt ?? fallback;
  try {
    return new RegExp(src);
  } catch (err) {
    throw new ConfigError(
      `device ${ctx.spec.name} (${ctx.spec.source.file}:${ctx.spec.source.line}): advanced.passwordPrompt is not a valid regex: ${(err as Error).message}`,
      'write it as a JavaScript regular expression, e.g. "^Password: ?$"',
    );
  }
}

/** Connects, logs in, enables and sets the terminal up; the session is closed again if any of that fails. */
export async function openCliSession(ctx: DriverContext, words: CliLoginWords): Promise<CliSession> {
  const label = ctx.spec.name;
  const passwordPrompt = compilePrompt(ctx, words.defaultPasswordPrompt);
  const { advanced } = ctx.spec;
  const cli = readCliOptions(ctx.spec.options);
  const request: CliConnectRequest = {
    deviceLabel: label,
    host: ctx.endpoint.host,
    port: ctx.endpoint.port,
    username: await requireSecret(ctx, 'username'),
    password: await requireSecret(ctx, 'password'),
    connectTimeoutMs: advanced.connectTimeoutMs,
    commandTimeoutMs: advanced.commandTimeoutMs,
    log: ctx.log,
  };
  const session =
    words.connect === undefined
      ? await CliSession.open({
          ...request,
          hostKey: ctx.spec.hostKey,
          ciphers: cli.ciphers,
          kex: cli.kex,
          hostKeyAlgorithms: cli.hostKeyAlgorithms,
        })
      : await CliSession.over(await words.connect(request), request);
  try {
    await session.enable(await ctx.secret('enablePassword'), passwordPrompt, words.enableRefused);
    for (const cmd of words.setup) {
      const seg = await session.send(cmd);
      if (findDeviceError(seg.lines, words.errorRules))
        ctx.log.warn('terminal setting refused', { device: label, platform: words.platform, command: cmd });
    }
  } catch (err) {
    await session.close();
    throw err;
  }
  ctx.log.info(`${words.platform} connected`, { device: label, host: ctx.endpoint.host, port: ctx.endpoint.port });
  return session;
}
