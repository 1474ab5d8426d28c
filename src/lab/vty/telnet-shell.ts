// Test-only helper: a tiny telnet client over net.Socket (RFC 854): answers the server's WILL with DO, strips IAC
// sequences from what it reads, and reads until a regex, like the SSH test shell.

import net from 'node:net';

const IAC = 255;

export interface TelnetShell {
  sendLine(line: string): void;
  send(text: string): void;
  readUntil(pattern: RegExp, timeoutMs?: number): Promise<string>;
  run(line: string, prompt?: RegExp): Promise<string>;
  /** The option negotiations the server sent, as `WILL 1`, `DO 3`, ... */
  readonly negotiated: string[];
  readonly closed: Promise<void>;
  close(): void;
}

const VERBS: Record<number, string> = { 251: 'WILL', 252: 'WONT', 253: 'DO', 254: 'DONT' };

export async function openTelnetShell(host: string, port: number): Promise<TelnetShell> {
  const socket = net.connect({ host, port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const negotiated: string[] = [];
  let text = '';
  let waiter: (() => void) | undefined;
  let pending: number[] = [];
  socket.on('data', (chunk: Buffer) => {
    const bytes = [...pending, ...chunk];
    pending = [];
    const out: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      if (byte !== IAC) {
        out.push(byte);
        continue;
      }
      const verb = bytes[i + 1];
      if (verb === undefined || (verb >= 251 && bytes[i + 2] === undefined)) {
        pending = bytes.slice(i);
        break;
      }
      if (verb === IAC) out.push(IAC);
      else if (verb >= 251) {
        const option = bytes[i + 2] as number;
        negotiated.push(`${VERBS[verb]} ${option}`);
        if (verb === 251) socket.write(Buffer.from([IAC, 253, option]));
        i++;
      }
      i++;
    }
    text += Buffer.from(out).toString('utf8');
    waiter?.();
  });
  const readUntil = (pattern: RegExp, timeoutMs = 10_000): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = pattern.exec(text);
        if (!match) return false;
        const end = match.index + match[0].length;
        const out = text.slice(0, end);
        text = text.slice(end);
        waiter = undefined;
        clearTimeout(timer);
        resolve(out);
        return true;
      };
      const timer = setTimeout(() => {
        waiter = undefined;
        reject(new Error(`timed out waiting for ${String(pattern)}; got ${JSON.stringify(text.slice(-300))}`));
      }, timeoutMs);
      if (!check()) waiter = () => void check();
    });
  const shell: TelnetShell = {
    sendLine: (line) => socket.write(`${line}\r\n`),
    send: (data) => socket.write(data),
    readUntil,
    run: (line, prompt = /[>#] $/) => {
      shell.sendLine(line);
      return readUntil(prompt);
    },
    negotiated,
    closed,
    close: () => socket.destroy(),
  };
  return shell;
}
