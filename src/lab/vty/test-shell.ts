// Test-only helper: a real ssh2 client that opens a PTY shell on an emulator, sends lines and reads until a regex.
// Deliberately dumb (no prompt knowledge) so tests see exactly the bytes a driver would.

import ssh2 from 'ssh2';
import type { ClientChannel, ConnectConfig } from 'ssh2';

export interface TestShell {
  send(text: string): void;
  /** Sends the line followed by CR, as a terminal's Enter key does. */
  sendLine(line: string): void;
  /** Resolves with everything received since the previous read, up to and including the first match. */
  readUntil(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** sendLine + readUntil(prompt). */
  run(line: string, prompt?: RegExp): Promise<string>;
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>;
  /** Everything received so far. */
  all(): string;
  /** The underlying channel (to pause reading in backpressure tests). */
  rawChannel(): ClientChannel;
  close(): void;
}

/** IOS `R1(config-network-group)#`, ASA `fw/pri/act(config)#`. */
export const ANY_PROMPT = /[\w./-]+(\([\w-]+\))?[>#] ?$/;

export async function openTestShell(
  target: { host: string; port: number },
  options: Partial<ConnectConfig> & { username: string; password: string },
): Promise<TestShell> {
  const client = new ssh2.Client();
  const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) =>
      finish(prompts.map(() => options.password)),
    );
    client.connect({ host: target.host, port: target.port, readyTimeout: 10_000, ...options });
  });
  client.on('error', () => {
    // The server may drop us on purpose (fault tests); `closed` tells the test.
  });
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    client.shell({ term: 'vt100', cols: 200, rows: 24 }, (err, stream) => (err ? reject(err) : resolve(stream))),
  );
  let buffer = '';
  let cursor = 0;
  // Where the next search may start: prompts are short, so re-scanning only a tail keeps huge outputs linear.
  let scanned = 0;
  let waiter: (() => void) | undefined;
  channel.on('data', (data: Buffer) => {
    buffer += data.toString('utf8');
    waiter?.();
  });
  channel.on('close', () => waiter?.());

  const readUntil = (pattern: RegExp, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const from = Math.max(cursor, scanned - 4096);
        const rest = buffer.slice(from);
        const match = pattern.exec(rest);
        scanned = buffer.length;
        if (!match) return false;
        const end = from - cursor + match.index + match[0].length;
        const text = buffer.slice(cursor, cursor + end);
        cursor += end;
        scanned = cursor;
        waiter = undefined;
        clearTimeout(timer);
        resolve(text);
        return true;
      };
      const timer = setTimeout(() => {
        waiter = undefined;
        reject(new Error(`timed out waiting for ${String(pattern)}; got ${JSON.stringify(buffer.slice(cursor))}`));
      }, timeoutMs);
      if (!check()) waiter = () => void check();
    });

  const shell: TestShell = {
    send: (text) => channel.write(text),
    sendLine: (line) => channel.write(`${line}\r`),
    readUntil,
    run: (line, prompt = ANY_PROMPT) => {
      shell.sendLine(line);
      return readUntil(prompt);
    },
    closed,
    all: () => buffer,
    rawChannel: () => channel,
    close: () => client.end(),
  };
  return shell;
}
