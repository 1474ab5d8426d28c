// A local HTTPS log-upload endpoint for tests (node:https, a lab certificate). It keeps each upload the way a real
// collector would: checked against its Content-Digest, stored once per Idempotency-Key (a repeat of a stored key is
// answered 200 and counted as a duplicate, not stored again). Faults are scripted per request, in order: a status
// without storing (500/503/413...), a reset after the body was read and stored (the "processed but the reply was
// lost" case), a slow, held or never-coming reply, a large reply body. Requests past the script are stored and get 201.

import { createHash } from 'node:crypto';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LabCertificate } from '../../src/lab/tls-cert.js';

export type UploadFault =
  /** Answer this status (the upload is not stored), with an optional body of `bodyBytes` bytes of `fill`. */
  | { readonly status: number; readonly bodyBytes?: number; readonly fill?: string; readonly contentType?: string }
  /** Store the upload, then destroy the connection without a reply. */
  | { readonly reset: true }
  /** Wait this long before handling the request normally. */
  | { readonly delayMs: number }
  /** Hold the reply until this settles, then handle the request normally (a test decides when). */
  | { readonly waitFor: Promise<unknown> }
  /** Never reply (the connection is dropped when the server closes). */
  | { readonly hang: true };

export interface UploadRecord {
  readonly headers: IncomingHttpHeaders;
  readonly sha256: string;
  readonly bytes: number;
  /** What the server did: the status it answered, or 'reset' / 'hang'. */
  readonly outcome: number | 'reset' | 'hang';
  /** The Idempotency-Key was already stored. */
  readonly duplicate: boolean;
}

export interface StoredUpload {
  readonly key: string;
  readonly sha256: string;
  readonly deviceId: string;
  readonly device: string;
  readonly file: string;
  readonly body: Buffer;
}

export interface UploadServer {
  /** https://host:port/upload */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Every POST answered (or reset, or left hanging), in order. */
  requests(): readonly UploadRecord[];
  /** How many request bodies were read so far, replies pending included (a delayed one counts here first). */
  seen(): number;
  /** The uploads kept, once each, in the order first stored. */
  stored(): readonly StoredUpload[];
  duplicates(): number;
  /** Appends faults for the next requests. */
  script(...faults: UploadFault[]): void;
  close(): Promise<void>;
}

export interface UploadServerOptions {
  readonly host: string;
  /** The server's certificate (its SAN must name `host`). */
  readonly certificate: LabCertificate;
  /** When set, a request without `Authorization: Bearer <token>` gets 401. */
  readonly token?: string;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startUploadServer(opts: UploadServerOptions): Promise<UploadServer> {
  const records: UploadRecord[] = [];
  const kept = new Map<string, StoredUpload>();
  const faults: UploadFault[] = [];
  let duplicates = 0;
  let seen = 0;

  const store = (headers: IncomingHttpHeaders, body: Buffer, sha: Buffer): boolean => {
    const key = String(headers['idempotency-key']);
    if (kept.has(key)) {
      duplicates++;
      return true;
    }
    kept.set(key, {
      key,
      sha256: sha.toString('hex'),
      deviceId: String(headers['x-tscm-device-id']),
      device: String(headers['x-tscm-device']),
      file: String(headers['x-tscm-file']),
      body,
    });
    return false;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    seen++;
    const sha = createHash('sha256').update(body).digest();
    let fault = faults.shift();
    if (fault !== undefined && 'delayMs' in fault) {
      await new Promise((r) => setTimeout(r, fault && 'delayMs' in fault ? fault.delayMs : 0));
      fault = undefined;
    } else if (fault !== undefined && 'waitFor' in fault) {
      await fault.waitFor.catch(() => undefined);
      fault = undefined;
    }
    const record = (outcome: UploadRecord['outcome'], duplicate = false): void => {
      records.push({ headers: req.headers, sha256: sha.toString('hex'), bytes: body.length, outcome, duplicate });
    };
    if (fault !== undefined && 'hang' in fault) {
      record('hang');
      return;
    }
    if (fault !== undefined && 'status' in fault) {
      record(fault.status);
      const reply = Buffer.alloc(fault.bodyBytes ?? 0, fault.fill ?? 'x');
      res.writeHead(fault.status, {
        'content-type': fault.contentType ?? 'text/plain',
        'content-length': reply.length,
      });
      res.end(reply);
      return;
    }
    const refusal = check(req, body, sha, opts.token);
    if (refusal !== undefined) {
      record(refusal);
      res.writeHead(refusal).end();
      return;
    }
    const duplicate = store(req.headers, body, sha);
    if (fault !== undefined && 'reset' in fault) {
      record('reset', duplicate);
      req.socket.destroy();
      return;
    }
    record(duplicate ? 200 : 201, duplicate);
    res.writeHead(duplicate ? 200 : 201).end();
  };

  const server = https.createServer({ cert: opts.certificate.cert, key: opts.certificate.key }, (req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, opts.host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://${opts.host}:${port}/upload`,
    host: opts.host,
    port,
    requests: () => records,
    stored: () => [...kept.values()],
    duplicates: () => duplicates,
    seen: () => seen,
    script: (...more) => void faults.push(...more),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The wire format's checks: a 400 or 401 status when the request breaks it, undefined when it is fine. */
function check(req: IncomingMessage, body: Buffer, sha: Buffer, token: string | undefined): number | undefined {
  const h = req.headers;
  if (req.method !== 'POST' || h['content-type'] !== 'application/gzip') return 400;
  if (token !== undefined && h.authorization !== `Bearer ${token}`) return 401;
  if (h['content-digest'] !== `sha-256=:${sha.toString('base64')}:`) return 400;
  if (h['idempotency-key'] !== `${String(h['x-tscm-device-id'])}-${sha.toString('hex')}`) return 400;
  if (typeof h['x-tscm-device'] !== 'string' || !/^syslog\.\d{6,}\.gz$/.test(String(h['x-tscm-file']))) return 400;
  return body.length > 0 ? undefined : 400;
}
