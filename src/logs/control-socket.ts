// The receiver's control socket (<logDir>/.control.sock, named by the folder's claim): `tscm logs` asks the running
// receiver to rotate and upload, since only the folder's owner may write it. A local Unix socket, mode 0600 (the
// folder owner's user only), one JSON request line of at most 4 KiB -> one JSON reply line. Unknown ops are refused.

import { chmod, unlink } from 'node:fs/promises';
import net from 'node:net';
import { TransientError } from '../errors.js';

export type ControlRequest = { readonly op: 'rotate-upload'; readonly device?: string };
export type ControlReply =
  { readonly ok: true; readonly [key: string]: unknown } | { readonly ok: false; readonly error: string };

const MAX_REQUEST_BYTES = 4096;
const MAX_REPLY_BYTES = 16 * 1024 * 1024;
const REQUEST_LINE_TIMEOUT_MS = 5000;
/** A device name as a safe path segment (the store's rule). */
const DEVICE_NAME = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,128}$/;

/** Reads a request, or the reason it is refused. Untrusted input: only the known op and fields pass. */
export function parseControlRequest(line: string): ControlRequest | { readonly refused: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { refused: 'the request is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { refused: 'expected a JSON object' };
  const { op, device, ...rest } = value as Record<string, unknown>;
  if (op !== 'rotate-upload') return { refused: 'unknown op (expected "rotate-upload")' };
  if (Object.keys(rest).length > 0)
    return { refused: `unknown field ${JSON.stringify(Object.keys(rest)[0]).slice(0, 40)}` };
  if (device === undefined) return { op };
  if (typeof device !== 'string' || !DEVICE_NAME.test(device)) return { refused: 'device is not a device name' };
  return { op, device };
}

export interface ControlServer {
  close(): Promise<void>;
}

export async function serveControl(
  path: string,
  handle: (req: ControlRequest) => Promise<Record<string, unknown>>,
): Promise<ControlServer> {
  // The folder's claim is ours: a socket file left by a dead owner is stale.
  await unlink(path).catch(() => undefined);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setTimeout(REQUEST_LINE_TIMEOUT_MS, () => socket.destroy());
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const nl = buffered.indexOf('\n');
      if (nl < 0 && buffered.length <= MAX_REQUEST_BYTES) return;
      socket.off('data', onData);
      socket.setTimeout(0);
      if (nl < 0 || nl > MAX_REQUEST_BYTES) return reply(socket, { ok: false, error: 'request too long' });
      const req = parseControlRequest(buffered.slice(0, nl));
      if ('refused' in req) return reply(socket, { ok: false, error: req.refused });
      handle(req).then(
        (result) => reply(socket, { ...result, ok: true }),
        (err: unknown) => reply(socket, { ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

function reply(socket: net.Socket, body: ControlReply): void {
  socket.end(JSON.stringify(body) + '\n');
}

/** Sends one request to the owner's control socket and returns its reply; a dead or silent owner is transient. */
export async function askControl(path: string, req: ControlRequest, timeoutMs = 600_000): Promise<ControlReply> {
  return new Promise<ControlReply>((resolve, reject) => {
    const socket = net.createConnection(path);
    let buffered = '';
    const fail = (why: string) => {
      socket.destroy();
      reject(
        new TransientError(
          `the log receiver's control socket ${path} ${why}`,
          'check that the tscm syslog (or reconcile --syslog) process holding the log folder is running',
        ),
      );
    };
    socket.setTimeout(timeoutMs, () => fail('did not answer in time'));
    socket.on('error', (err: NodeJS.ErrnoException) => fail(`refused the connection (${err.code ?? err.message})`));
    socket.on('connect', () => socket.write(JSON.stringify(req) + '\n'));
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      if (buffered.length > MAX_REPLY_BYTES) fail('sent too long a reply');
    });
    socket.on('end', () => {
      const line = buffered.split('\n', 1)[0] ?? '';
      try {
        const value = JSON.parse(line) as ControlReply;
        if (typeof value !== 'object' || value === null || typeof value.ok !== 'boolean') throw new Error('shape');
        resolve(value);
      } catch {
        fail('sent a reply that is not JSON');
      }
    });
  });
}
