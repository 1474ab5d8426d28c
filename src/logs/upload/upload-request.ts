// One upload of one rotated file: a POST over HTTPS (undici), directly or through an http:// CONNECT proxy. The
// reply is untrusted: its body is read up to a cap and thrown away, never echoed; errors say what failed and the
// fix, naming the endpoint by its origin only (a query string may hold a token) and never a secret.

import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { ConfigError } from '../../errors.js';
import type { UploadTarget } from '../model.js';

/** What the endpoint's reply body may cost us at most: the rest is dropped with the connection. */
const MAX_REPLY_BYTES = 64 * 1024;

export interface UploadFile {
  readonly device: string;
  /** The file name, `syslog.000012.gz`. */
  readonly name: string;
  readonly body: Buffer;
}

export type UploadResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status?: number; readonly reason: string; readonly config?: boolean };

/**
 * The connections to one endpoint (an Agent, or a ProxyAgent for a proxy), shared by every target with the same
 * `connectionKey`: the device ID and token are per request.
 */
export interface UploadClient {
  send(target: UploadTarget, file: UploadFile, timeoutMs: number): Promise<UploadResult>;
  close(): Promise<void>;
}

/** Targets with the same key can share a client (same origin, proxy, proxy credentials and CA). */
export function connectionKey(target: UploadTarget): string {
  const parts = [originOf(target.url), target.proxy?.url, target.proxy?.username, target.proxy?.password, target.ca];
  // Hashed: the key may be logged or kept around by mistake, the proxy password in it must not be readable.
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

interface Checked {
  readonly url: URL;
  readonly proxy?: URL;
}

/** Refuses what cannot work or would leak: a non-https endpoint, an https:// proxy, credentials inside a URL. */
export function checkUploadTarget(target: UploadTarget): Checked {
  const url = parseUrl(target.url, 'logs.uploadUrl', 'https://logs.example.net/upload');
  if (url.protocol !== 'https:') {
    throw new ConfigError(
      `logs.uploadUrl must be an https:// URL (got ${url.protocol}//)`,
      'log files are only sent over TLS',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(
      'logs.uploadUrl must not carry credentials',
      'set logs.uploadToken (a secret reference) instead',
    );
  }
  if (!/^[\x21-\x7e]+$/.test(target.deviceId)) {
    throw new ConfigError(
      'the device ID is empty or holds spaces or control characters, which an HTTP header cannot carry',
      'set the device ID to printable ASCII without spaces',
    );
  }
  if (target.proxy === undefined) return { url };
  const proxy = parseUrl(target.proxy.url, 'logs.proxy.url', 'http://proxy.example.net:3128');
  if (proxy.protocol === 'https:') {
    throw new ConfigError(
      'logs.proxy.url: an https:// proxy is not supported',
      'give the proxy as http://host:port: the CONNECT tunnel still carries TLS end to end to the upload endpoint',
    );
  }
  if (proxy.protocol !== 'http:') {
    throw new ConfigError(
      `logs.proxy.url must be an http:// URL (got ${proxy.protocol}//)`,
      'give the proxy as http://host:port',
    );
  }
  if (proxy.username !== '' || proxy.password !== '') {
    throw new ConfigError(
      'logs.proxy.url must not carry credentials',
      'set logs.proxy.username and logs.proxy.password (a secret reference) instead',
    );
  }
  return { url, proxy };
}

function parseUrl(text: string, field: string, example: string): URL {
  try {
    return new URL(text);
  } catch {
    // The text itself is not quoted: a mistyped URL may hold a secret.
    throw new ConfigError(`${field} is not a valid URL`, `for example ${example}`);
  }
}

/** The wire format's headers for one file (issue 10's contract; the upload server checks them). */
export function uploadHeaders(target: UploadTarget, file: UploadFile): Record<string, string> {
  const sha = createHash('sha256').update(file.body).digest();
  return {
    'content-type': 'application/gzip',
    'x-tscm-device-id': target.deviceId,
    'x-tscm-device': file.device,
    'x-tscm-file': file.name,
    'idempotency-key': `${target.deviceId}-${sha.toString('hex')}`,
    'content-digest': `sha-256=:${sha.toString('base64')}:`,
    ...(target.token !== undefined ? { authorization: `Bearer ${target.token}` } : {}),
  };
}

export function createUploadClient(target: UploadTarget): UploadClient {
  let checked: Checked;
  try {
    checked = checkUploadTarget(target);
  } catch (err) {
    const reason = describeConfigError(err);
    return { send: () => Promise.resolve({ ok: false, reason, config: true }), close: () => Promise.resolve() };
  }
  const { url, proxy } = checked;
  // Extra CAs are added to the bundled ones, not put in their place: a public endpoint still verifies.
  const tls = target.ca !== undefined ? { ca: [...rootCertificates, target.ca] } : {};
  const dispatcher: Dispatcher =
    proxy === undefined
      ? new Agent({ connect: tls })
      : new ProxyAgent({
          uri: proxy.href,
          requestTls: tls,
          ...(target.proxy?.username !== undefined && target.proxy.password !== undefined
            ? { token: `Basic ${Buffer.from(`${target.proxy.username}:${target.proxy.password}`).toString('base64')}` }
            : {}),
        });
  const where = { endpoint: url.origin, proxy: proxy?.host };
  return {
    async send(perRequest, file, timeoutMs) {
      let endpoint: URL;
      try {
        endpoint = checkUploadTarget(perRequest).url;
      } catch (err) {
        return { ok: false, reason: describeConfigError(err), config: true };
      }
      try {
        const reply = await request(endpoint, {
          method: 'POST',
          headers: uploadHeaders(perRequest, file),
          body: file.body,
          dispatcher,
          signal: AbortSignal.timeout(timeoutMs),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        const got = await drainReply(reply.body);
        if (reply.statusCode >= 200 && reply.statusCode < 300) return { ok: true, status: reply.statusCode };
        const length = contentLength(reply.headers['content-length']) ?? got;
        return {
          ok: false,
          status: reply.statusCode,
          reason: `the upload endpoint ${where.endpoint} answered HTTP ${reply.statusCode} (${contentType(reply.headers['content-type'])}, ${length} bytes)`,
        };
      } catch (err) {
        return describeFailure(err, where, timeoutMs);
      }
    },
    close: () => dispatcher.close(),
  };
}

function describeConfigError(err: unknown): string {
  if (err instanceof ConfigError) return err.hint !== undefined ? `${err.message}: ${err.hint}` : err.message;
  throw err;
}

/** Reads the reply body up to the cap, then gives up on it (the connection goes with it). */
async function drainReply(body: Dispatcher.ResponseData['body']): Promise<string> {
  let bytes = 0;
  try {
    for await (const chunk of body) {
      bytes += (chunk as Buffer).length;
      if (bytes > MAX_REPLY_BYTES) {
        body.destroy();
        return `more than ${MAX_REPLY_BYTES}`;
      }
    }
  } catch {
    // A reply cut short is still a reply: its status decides.
  }
  return String(bytes);
}

function contentLength(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? value : undefined;
}

/** The reply's content type, reduced to a token a log can hold (it is untrusted text). */
function contentType(value: string | string[] | undefined): string {
  const first = typeof value === 'string' ? /^[\w.+-]+\/[\w.+-]+/.exec(value)?.[0] : undefined;
  return first !== undefined ? first.slice(0, 80) : 'no content type';
}

const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const CONNECT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function codesOf(err: unknown): string[] {
  const codes: string[] = [];
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

function describeFailure(
  err: unknown,
  where: { readonly endpoint: string; readonly proxy: string | undefined },
  timeoutMs: number,
): UploadResult {
  const codes = codesOf(err);
  const message = err instanceof Error ? err.message : '';
  // undici says "Proxy response (407) !== 200 when HTTP Tunneling" when the proxy refuses the CONNECT.
  const proxyStatus = /^Proxy response \((\d{3})\)/.exec(message)?.[1];
  if (where.proxy !== undefined && proxyStatus !== undefined) {
    const status = Number(proxyStatus);
    // 407 is the standard answer; tinyproxy 1.11 answers a CONNECT with wrong credentials 401 instead.
    if (status === 407 || status === 401) {
      return {
        ok: false,
        status,
        reason: `the proxy ${where.proxy} refused the credentials (logs.proxy.username/password)`,
      };
    }
    return {
      ok: false,
      status,
      reason: `the proxy ${where.proxy} refused the tunnel to ${where.endpoint} (HTTP ${status}): check that the proxy allows CONNECT to that port and can reach it`,
    };
  }
  if (/Proxy Authentication Required/.test(message) && where.proxy !== undefined) {
    return {
      ok: false,
      status: 407,
      reason: `the proxy ${where.proxy} refused the credentials (logs.proxy.username/password)`,
    };
  }
  const tls = codes.find((c) => TLS_TRUST_CODES.has(c));
  if (tls !== undefined) {
    return {
      ok: false,
      reason: `the upload endpoint ${where.endpoint} presented a certificate that is not trusted (${tls}): set logs.uploadCa to the PEM file of the CA that signed it (and check that the certificate names the host)`,
    };
  }
  if (
    codes.some((c) => c === 'UND_ERR_HEADERS_TIMEOUT' || c === 'UND_ERR_BODY_TIMEOUT' || c === 'ABORT_ERR') ||
    (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
  ) {
    return { ok: false, reason: `no reply from the upload endpoint ${where.endpoint} within ${timeoutMs} ms` };
  }
  const connect = codes.find((c) => CONNECT_CODES.has(c) || c === 'UND_ERR_CONNECT_TIMEOUT');
  if (connect !== undefined && where.proxy !== undefined && connect !== 'ECONNRESET') {
    return { ok: false, reason: `cannot reach the proxy ${where.proxy} (${connect}): check logs.proxy.url` };
  }
  if (connect !== undefined && connect !== 'ECONNRESET') {
    return { ok: false, reason: `cannot reach the upload endpoint ${where.endpoint} (${connect})` };
  }
  if (codes.includes('UND_ERR_SOCKET') || codes.includes('ECONNRESET')) {
    return { ok: false, reason: `the connection to the upload endpoint ${where.endpoint} closed before a reply` };
  }
  // Anything else: its code only, never its message (undici messages may quote headers).
  return {
    ok: false,
    reason: `the upload to ${where.endpoint} failed (${codes[0] ?? (err instanceof Error ? err.name : 'unknown error')})`,
  };
}
