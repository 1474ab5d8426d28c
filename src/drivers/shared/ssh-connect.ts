// Opens an authenticated SSH connection and a PTY shell (never an exec channel: IOS treats exec as an
// autocommand, spec §6 row 9). Maps every ssh2 failure to the project's error kinds with the fix in the hint.

import ssh2 from 'ssh2';
import type { Algorithms, Client as SshClient, ClientChannel, ConnectConfig } from 'ssh2';
import type { HostKeyCheck } from '../../config/types.js';
import { ConfigError, TransientError } from '../../errors.js';
import type { Logger } from '../driver.js';
import type { CliTransport } from './cli-transport.js';
import { createHostKeyVerifier } from './host-key.js';

export interface SshConnectOptions {
  readonly deviceLabel: string;
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  readonly hostKey: HostKeyCheck;
  /** Extra algorithms appended to ssh2's defaults (legacy devices: group1/group14-sha1 kex, CBC ciphers). */
  readonly ciphers?: readonly string[];
  readonly kex?: readonly string[];
  readonly hostKeyAlgorithms?: readonly string[];
  readonly connectTimeoutMs: number;
  readonly log: Logger;
}

export interface SshShell {
  readonly client: SshClient;
  readonly stream: ClientChannel;
}

/** Append the configured names to ssh2's defaults, so modern algorithms stay preferred. */
export function buildAlgorithms(o: Pick<SshConnectOptions, 'ciphers' | 'kex' | 'hostKeyAlgorithms'>): Algorithms {
  const algorithms: Record<string, unknown> = {};
  if (o.kex && o.kex.length > 0) algorithms.kex = { append: [...o.kex] };
  if (o.ciphers && o.ciphers.length > 0) algorithms.cipher = { append: [...o.ciphers] };
  if (o.hostKeyAlgorithms && o.hostKeyAlgorithms.length > 0) {
    algorithms.serverHostKey = { append: [...o.hostKeyAlgorithms] };
  }
  return algorithms as Algorithms;
}

/** Connect, authenticate (password, then keyboard-interactive answered with the password) and open a shell. */
export async function openSshShell(o: SshConnectOptions): Promise<SshShell> {
  const client = new ssh2.Client();
  const verifier = createHostKeyVerifier(o.hostKey, o.host, o.port, o.deviceLabel);
  const where = `device ${o.deviceLabel} (${o.host}:${o.port})`;
  const config: ConnectConfig = {
    host: o.host,
    port: o.port,
    username: o.username,
    password: o.password,
    tryKeyboard: true,
    readyTimeout: o.connectTimeoutMs,
    keepaliveInterval: 15_000,
    keepaliveCountMax: 4,
    algorithms: buildAlgorithms(o),
    hostVerifier: (key: Buffer) => verifier.verify(key),
  };
  // A persistent listener: ssh2 throws an 'error' event that nobody listens to (e.g. after the handshake).
  client.on('error', (err) => o.log.debug('ssh error', { device: o.deviceLabel, error: err.message }));
  client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
    // IOS asks one `Password:` question; answer every question with the password (never logged).
    finish(prompts.map(() => o.password));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error & { level?: string; code?: string }): void => {
      client.removeListener('ready', onReady);
      reject(mapConnectError(err, where, verifier.refusal()));
    };
    const onReady = (): void => {
      client.removeListener('error', onError);
      resolve();
    };
    client.once('error', onError);
    client.once('ready', onReady);
    try {
      client.connect(config);
      // Interactive traffic of small writes: Nagle would hold each window behind the previous ACK.
      client.setNoDelay(true);
    } catch (err) {
      // ssh2 throws synchronously on an algorithm name it does not know.
      reject(
        new ConfigError(
          `${where}: ${(err as Error).message}`,
          'check advanced.ciphers / advanced.kex / advanced.hostKeyAlgorithms against the names ssh2 supports',
        ),
      );
    }
  });
  o.log.debug('ssh connected', { device: o.deviceLabel, host: o.host, port: o.port });

  const stream = await new Promise<ClientChannel>((resolve, reject) => {
    client.shell({ term: 'vt100', cols: 511, rows: 24 }, (err, ch) => {
      if (err) reject(new TransientError(`${where}: cannot open a shell: ${err.message}`));
      else resolve(ch);
    });
  });
  return { client, stream };
}

function mapConnectError(
  err: Error & { level?: string; code?: string },
  where: string,
  refusal: ConfigError | undefined,
): Error {
  if (refusal !== undefined) return refusal;
  const msg = err.message;
  if (err.level === 'client-authentication') {
    return new ConfigError(
      `${where}: SSH authentication failed (password and keyboard-interactive were refused)`,
      'check the username and password references in credentials',
    );
  }
  if (err.level === 'client-timeout') {
    return new TransientError(`${where}: SSH connect timed out`, 'check reachability; raise advanced.connectTimeoutMs');
  }
  if (/no matching|handshake failed|unsupported/i.test(msg)) {
    return new ConfigError(
      `${where}: SSH handshake failed: ${msg}`,
      'legacy devices need opt-in algorithms, e.g. advanced.kex: [diffie-hellman-group14-sha1], advanced.ciphers: [aes128-cbc]',
    );
  }
  return new TransientError(`${where}: SSH connection failed: ${msg}`, undefined, { cause: err });
}

/** The shell as a CLI transport: output from stdout and stderr, closed when the channel or the connection closes. */
export function sshTransport(shell: SshShell): CliTransport {
  return {
    write: (text) => void shell.stream.write(text),
    onData: (listener) => {
      shell.stream.on('data', listener);
      shell.stream.stderr.on('data', listener);
    },
    onClose: (listener) => {
      shell.stream.on('close', () => listener('the device closed the session'));
      shell.client.on('close', () => listener('the SSH connection closed'));
    },
    end: (text) => {
      try {
        shell.stream.end(text);
      } catch {
        // already gone
      }
    },
    destroy: () => shell.client.end(),
  };
}
