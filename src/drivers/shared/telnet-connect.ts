// A minimal telnet client transport (RFC 854/855/857/858) for devices that speak only SSH 1 (PIX 6.x), an
// explicit per-device opt-in. Negotiation: the server's WILL ECHO and WILL SUPPRESS-GO-AHEAD are accepted, every
// other option refused; IAC sequences are stripped from the data. Login answers
// `Username:` and `Password:` (a PIX without AAA asks only the password), then hands the stream to CliSession.

import net from 'node:net';
import { ConfigError, TransientError } from '../../errors.js';
import type { CliConnectRequest } from './cli-login.js';
import type { CliTransport } from './cli-transport.js';

const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const SE = 240;
const ECHO = 1;
const SUPPRESS_GO_AHEAD = 3;

/**
 * The byte-level state machine (pure): feed() returns the data bytes and the negotiation replies to send. It
 * answers each request once per option and state, so two peers never loop (RFC 854 "Principles").
 */
export class TelnetDecoder {
  private state: 'data' | 'iac' | 'verb' | 'sb' | 'sb-iac' = 'data';
  private verb = 0;
  private readonly answered = new Map<number, number>();

  feed(chunk: Uint8Array): { data: Buffer; replies: Buffer } {
    const data: number[] = [];
    const replies: number[] = [];
    for (const b of chunk) {
      switch (this.state) {
        case 'data':
          if (b === IAC) this.state = 'iac';
          else data.push(b);
          break;
        case 'iac':
          if (b === IAC) {
            data.push(IAC);
            this.state = 'data';
          } else if (b === WILL || b === WONT || b === DO || b === DONT) {
            this.verb = b;
            this.state = 'verb';
          } else this.state = b === SB ? 'sb' : 'data'; // NOP, GA, AYT ...: nothing to do
          break;
        case 'verb':
          this.state = 'data';
          replies.push(...this.answer(this.verb, b));
          break;
        case 'sb':
          if (b === IAC) this.state = 'sb-iac';
          break;
        case 'sb-iac':
          this.state = b === SE ? 'data' : 'sb';
          break;
      }
    }
    return { data: Buffer.from(data), replies: Buffer.from(replies) };
  }

  private answer(verb: number, option: number): number[] {
    let reply: number;
    if (verb === WILL) reply = option === ECHO || option === SUPPRESS_GO_AHEAD ? DO : DONT;
    else if (verb === DO)
      reply = WONT; // we perform no option ourselves
    else return []; // WONT / DONT: the option is off, which is where we stand already
    if (this.answered.get(option * 256 + verb) === reply) return [];
    this.answered.set(option * 256 + verb, reply);
    return [IAC, reply, option];
  }
}

/** Our text as NVT bytes: newlines as CR LF. UTF-8 never holds the byte 255, so no IAC needs doubling. */
export function encodeTelnetText(text: string): Buffer {
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}

const USERNAME_PROMPT = /(?:Username|login|User Name):\s*$/i;
const PASSWORD_PROMPT = /Password:\s*$/i;
const LOGIN_REFUSED = /Invalid password|Login invalid|Authentication failed|Access denied|Login incorrect/i;
const PROMPT_AT_END = /[\w.\-/]+(?:\([^)]*\))?[>#] ?$/;

/** Connects, negotiates and logs in; resolves with a transport whose next data is the device's first prompt. */
export function connectTelnet(o: CliConnectRequest): Promise<CliTransport> {
  const where = `device ${o.deviceLabel} (${o.host}:${o.port})`;
  return new Promise<CliTransport>((resolve, reject) => {
    const socket = net.connect({ host: o.host, port: o.port });
    const decoder = new TelnetDecoder();
    let seen = '';
    const answered = { user: false, password: false };
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(
      () => fail(new TransientError(`${where}: telnet login timed out after ${o.connectTimeoutMs} ms`)),
      o.connectTimeoutMs,
    );
    socket.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        new TransientError(
          `${where}: telnet connection failed: ${err.code ?? err.message}`,
          'check management.host/port and that the device accepts telnet from this address',
        ),
      ),
    );
    socket.on('close', () => fail(new TransientError(`${where}: the device closed the telnet connection at login`)));
    const onLoginData = (chunk: Buffer): void => {
      const { data, replies } = decoder.feed(chunk);
      if (replies.length > 0) socket.write(replies);
      seen = (seen + data.toString('utf8')).slice(-2048);
      const text = seen.replace(/\r/g, '');
      const asksUser = USERNAME_PROMPT.test(text);
      const asksPassword = !asksUser && PASSWORD_PROMPT.test(text);
      // A question asked again means the answer was refused; the device's words never hold the secret.
      if (LOGIN_REFUSED.test(text) || (asksUser && answered.user) || (asksPassword && answered.password)) {
        fail(new ConfigError(`${where}: telnet login refused`, 'check credentials.username and credentials.password'));
        return;
      }
      if (asksUser || asksPassword) {
        if (asksUser) answered.user = true;
        else answered.password = true;
        seen = '';
        socket.write(encodeTelnetText(`${asksUser ? o.username : o.password}\n`));
      } else if (answered.password && PROMPT_AT_END.test(text)) {
        settled = true;
        clearTimeout(timer);
        socket.pause(); // until the session listens: nothing may be lost in between
        socket.off('data', onLoginData);
        socket.removeAllListeners('close');
        socket.removeAllListeners('error');
        o.log.debug('telnet logged in', { device: o.deviceLabel });
        resolve(telnetTransport(socket, decoder, Buffer.from(seen, 'utf8')));
      }
    };
    socket.on('data', onLoginData);
  });
}

function telnetTransport(socket: net.Socket, decoder: TelnetDecoder, pending: Buffer): CliTransport {
  let closed = false;
  const closeListeners: ((why: string) => void)[] = [];
  const closeWith = (why: string): void => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners) l(why);
  };
  socket.on('error', (err: NodeJS.ErrnoException) => closeWith(`telnet connection failed: ${err.code ?? err.message}`));
  socket.on('close', () => closeWith('the device closed the telnet connection'));
  return {
    write: (text) => {
      socket.write(encodeTelnetText(text));
    },
    onData: (listener) => {
      // What came with the end of the login (the first prompt) goes to the session once it listens.
      if (pending.length > 0) queueMicrotask(() => listener(pending));
      socket.on('data', (chunk: Buffer) => {
        const { data, replies } = decoder.feed(chunk);
        if (replies.length > 0) socket.write(replies);
        if (data.length > 0) listener(data);
      });
      socket.resume();
    },
    onClose: (listener) => {
      closeListeners.push(listener);
    },
    end: (text) => {
      if (!socket.destroyed) socket.end(encodeTelnetText(text));
    },
    destroy: () => {
      socket.destroy();
    },
  };
}
