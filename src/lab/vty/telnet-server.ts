// The telnet front end of an emulated device (RFC 854): for devices that speak no SSH 2 (PIX 6.x offers SSH 1 only,
// which no maintained library speaks). The server offers WILL ECHO and WILL SUPPRESS-GO-AHEAD (it echoes, as a
// vty does), strips every IAC sequence from the input, asks `Username:` / `Password:`, then hands the connection to
// a vty session like the SSH front end does. Loopback only, like every lab server.

import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { VtyIo } from './session.js';
import type { VtyEndpoint, VtyPeer } from './ssh-server.js';

const IAC = 255;
const SB = 250;
const SE = 240;
const WILL = 251;
const ECHO = 1;
const SUPPRESS_GO_AHEAD = 3;

export interface TelnetVtyOptions {
  host: string;
  port: number;
  username: string;
  password: string;
  /** Printed before `Username:` (PIX: `User Access Verification` [I]). */
  banner?: readonly string[];
  /** After a wrong login [I: wording]; the third failure closes the connection. */
  loginFailed?: string;
  openSession(io: VtyIo, peer: VtyPeer): VtyEndpoint;
}

export interface RunningTelnetVty {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Removes telnet commands from a byte stream, across chunk boundaries; `IAC IAC` is a data byte 255. */
export class TelnetInput {
  private state: 'data' | 'iac' | 'option' | 'sb' | 'sb-iac' | 'cr' = 'data';

  feed(chunk: Buffer): Buffer {
    const out: number[] = [];
    for (const byte of chunk) {
      switch (this.state) {
        case 'iac':
          if (byte === IAC) {
            out.push(IAC);
            this.state = 'data';
          } else if (byte === SB) this.state = 'sb';
          else this.state = byte >= WILL ? 'option' : 'data'; // WILL/WONT/DO/DONT take one option byte
          break;
        case 'option':
          this.state = 'data';
          break;
        case 'sb':
          if (byte === IAC) this.state = 'sb-iac';
          break;
        case 'sb-iac':
          this.state = byte === SE ? 'data' : 'sb';
          break;
        default: {
          const afterCr = this.state === 'cr';
          this.state = 'data';
          if (byte === IAC) this.state = 'iac';
          else if (afterCr && byte === 0)
            break; // CR NUL is a bare CR (RFC 854)
          else {
            out.push(byte);
            if (byte === 13) this.state = 'cr';
          }
        }
      }
    }
    return Buffer.from(out);
  }
}

/** Username and password over the wire, with our own echo (we negotiated WILL ECHO). */
class Login {
  private buffer = '';
  private username: string | undefined;
  private failures = 0;
  private lastCr = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly opts: TelnetVtyOptions,
    private readonly done: (username: string) => void,
  ) {
    for (const line of opts.banner ?? []) socket.write(`${line}\r\n`);
    socket.write('\r\nUsername: ');
  }

  receive(text: string): string {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      const afterCr = this.lastCr;
      this.lastCr = ch === '\r';
      if (ch === '\n' && afterCr) continue;
      if (ch === '\r' || ch === '\n') {
        this.socket.write('\r\n');
        if (this.enter()) return text.slice(i + 1 + (ch === '\r' && text[i + 1] === '\n' ? 1 : 0));
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.buffer.length > 0 && this.username === undefined) this.socket.write('\b \b');
        this.buffer = this.buffer.slice(0, -1);
      } else if (ch >= ' ') {
        this.buffer += ch;
        if (this.username === undefined) this.socket.write(ch);
      }
    }
    return '';
  }

  /** true once logged in. */
  private enter(): boolean {
    const text = this.buffer;
    this.buffer = '';
    if (this.username === undefined) {
      this.username = text;
      this.socket.write('Password: ');
      return false;
    }
    if (this.username === this.opts.username && text === this.opts.password) {
      this.done(this.username);
      return true;
    }
    this.username = undefined;
    this.failures++;
    this.socket.write(`${this.opts.loginFailed ?? '% Authentication failed'}\r\n`);
    if (this.failures >= 3) this.socket.end();
    else this.socket.write('\r\nUsername: ');
    return false;
  }
}

function serve(socket: net.Socket, opts: TelnetVtyOptions, sessions: Set<VtyEndpoint>): void {
  const input = new TelnetInput();
  const decoder = new StringDecoder('utf8');
  let session: VtyEndpoint | undefined;
  socket.on('error', () => {
    // A client that vanishes mid-session is normal in fault tests.
  });
  socket.write(Buffer.from([IAC, WILL, ECHO, IAC, WILL, SUPPRESS_GO_AHEAD]));
  const login = new Login(socket, opts, (username) => {
    const io: VtyIo = {
      // UTF-8 never holds byte 255, so our text needs no IAC doubling.
      write: (text) => socket.write(text),
      onceDrain: (callback) => socket.once('drain', callback),
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      end: () => socket.end(),
      drop: () => socket.destroy(),
    };
    session = opts.openSession(io, { username, remoteIp: socket.remoteAddress ?? '' });
    sessions.add(session);
    session.start();
  });
  socket.on('data', (chunk: Buffer) => {
    const text = decoder.write(input.feed(chunk));
    if (session) session.receive(text);
    else {
      const rest = login.receive(text);
      if (session && rest !== '') (session as VtyEndpoint).receive(rest);
    }
  });
  socket.on('close', () => {
    if (!session) return;
    session.terminate();
    sessions.delete(session);
  });
}

export async function startTelnetVty(opts: TelnetVtyOptions): Promise<RunningTelnetVty> {
  const sockets = new Set<net.Socket>();
  const sessions = new Set<VtyEndpoint>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, opts, sessions);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    host: opts.host,
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.terminate();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
