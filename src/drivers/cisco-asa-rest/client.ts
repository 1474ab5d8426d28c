// The HTTP side of the ASA REST driver: one undici Pool per device, the trust mode on every TLS connection, token
// or Basic auth, pacing (concurrency and request rate), per-request timeouts and bounded retry of reads. The ASA's
// agent is fragile (500s and restarts under a large config): reads back off and retry, writes are never re-sent
// here, because a write whose reply was lost may have landed; the driver re-reads first.

import { Pool } from 'undici';
import type { Logger } from '../driver.js';
import { agentFailingAdvice, cleanText, describeBody, parseMessages, RestError } from './rest-error.js';
import { Gate, sleep } from './rest-gate.js';
import { TlsTrustError, trustConnector } from './rest-tls.js';
import type { TlsTrust } from './rest-tls.js';

export type { TlsTrust } from './rest-tls.js';

export interface RestClientOptions {
  readonly baseUrl: string; // 'https://h:p/api', no trailing slash
  readonly label: string; // device name for messages
  readonly username: string;
  readonly password: string;
  readonly tokenAuth: boolean;
  readonly tls: TlsTrust;
  readonly requestTimeoutMs: number;
  readonly concurrency: number; // requests in flight (default 1)
  readonly requestsPerSecond?: number; // pacing; absent = unpaced
  readonly retry: {
    readonly attempts: number;
    readonly baseDelayMs: number;
    readonly maxDelayMs: number;
    readonly budgetMs: number;
  };
  readonly log: Logger;
}

/** Settings no device YAML reaches: tests use them. */
export interface RestClientInternals {
  /** CA bundle replacing the system CAs in verify mode. */
  readonly ca?: string;
}

export interface RestResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly text: string;
}

export type RestMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const USER_AGENT = 'REST API Agent';
const MAX_REPLY_BYTES = 64 * 1024 * 1024;
const RETRY_STATUS = new Set([500, 502, 503, 504]);
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** The route template of a path: ids and tokens become placeholders (a token never reaches a message or log). */
export function routeOf(method: string, path: string): string {
  const segs = (path.split('?')[0] ?? '').split('/').filter((s) => s !== '');
  if (segs[0] === 'tokenservices' && segs.length > 1) return `${method} /tokenservices/{token}`;
  if (segs[0] === 'objects' && segs.length > 2) return `${method} /objects/${segs[1]}/{id}`;
  return `${method} /${segs.join('/')}`;
}

interface Reply extends RestResponse {
  readonly contentType: string | undefined;
}

export class RestClient {
  readonly stats = { requests: 0, retries: 0 };
  readonly #o: RestClientOptions;
  readonly #pool: Pool;
  readonly #basePath: string;
  readonly #basic: string;
  readonly #gate: Gate;
  #token: string | undefined;
  /** Every token this client held, for redaction. */
  readonly #tokens: string[] = [];
  #renewing: Promise<void> | undefined;
  #closed = false;

  private constructor(o: RestClientOptions, internals: RestClientInternals) {
    this.#o = o;
    const url = new URL(o.baseUrl);
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#basic = `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`;
    const concurrency = Math.max(1, Math.floor(o.concurrency));
    const rps = o.requestsPerSecond;
    this.#gate = new Gate(concurrency, rps !== undefined && rps > 0 ? 1000 / rps : 0);
    this.#pool = new Pool(url.origin, {
      connections: concurrency,
      pipelining: 1,
      connect: trustConnector({
        label: o.label,
        trust: o.tls,
        connectTimeoutMs: o.requestTimeoutMs,
        ...(internals.ca !== undefined ? { ca: internals.ca } : {}),
      }),
    });
  }

  /** The device name used in messages. */
  get label(): string {
    return this.#o.label;
  }

  /** With token auth, takes a token now (503: the 25 sessions per context are in use; backs off, then says so). */
  static async open(o: RestClientOptions, internals: RestClientInternals = {}): Promise<RestClient> {
    const c = new RestClient(o, internals);
    if (o.tokenAuth) {
      try {
        await c.#login();
      } catch (e) {
        await c.#pool.destroy().catch(() => undefined);
        throw e;
      }
    }
    return c;
  }

  /** The back-off delay before retry n (n >= 1; exponential, full jitter, capped) and whether the budget allows it. */
  backoff(attempt: number, elapsedMs = 0): { readonly delayMs: number; readonly allowed: boolean } {
    const r = this.#o.retry;
    const cap = Math.min(r.maxDelayMs, r.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    const delayMs = Math.floor(Math.random() * (cap + 1));
    return { delayMs, allowed: attempt < r.attempts && elapsedMs + delayMs <= r.budgetMs };
  }

  /** GETs retry on 500/502/503/504/refused/reset/timeouts with back-off; writes are never re-sent (the caller re-reads). */
  async request(method: RestMethod, path: string, body?: unknown): Promise<RestResponse> {
    const route = routeOf(method, path);
    if (this.#closed) {
      throw new RestError(`device ${this.#o.label}: ${route}: REST client used after close`, {
        route,
        transient: false,
      });
    }
    const reply = await this.#retrying(route, method === 'GET', () => this.#authorized(method, path, body, route));
    const { contentType: _ct, ...response } = reply;
    return response;
  }

  /** DELETE the token (best effort, never throws), then close the connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const token = this.#token;
    this.#token = undefined;
    if (token !== undefined) {
      const route = 'DELETE /tokenservices/{token}';
      try {
        const r = await this.#send('DELETE', `/tokenservices/${encodeURIComponent(token)}`, undefined, route, {
          authorization: this.#basic,
        });
        if (r.status >= 300) this.#o.log.debug('REST token not released', { device: this.#o.label, status: r.status });
      } catch (e) {
        this.#o.log.debug('REST token not released', { device: this.#o.label, error: this.#redact(String(e)) });
      }
    }
    await this.#pool.close().catch(() => this.#pool.destroy().catch(() => undefined));
  }

  async #login(): Promise<void> {
    const route = 'POST /tokenservices';
    const r = await this.#retrying(route, true, async () => {
      const reply = await this.#send('POST', '/tokenservices', undefined, route, { authorization: this.#basic });
      if (reply.status === 401 || reply.status === 403) throw this.#badCredentials(reply.status, route);
      if (reply.status === 404) {
        throw new RestError(
          `device ${this.#o.label}: the ASA REST API is absent (404 on ${route}): no REST agent (Firepower ` +
            'hardware, or `no rest-api agent`)',
          { status: 404, route, transient: false },
        );
      }
      if (reply.status === 503) {
        throw new RestError(
          `device ${this.#o.label}: the ASA refused a REST session (503 on ${route}): the 25 sessions per ` +
            'context are in use (other tools, or sessions left open); they expire after the session timeout',
          { status: 503, route, transient: true },
        );
      }
      if (reply.status < 200 || reply.status >= 300) throw this.#httpError(route, reply);
      return reply;
    });
    const token = r.headers['x-auth-token'];
    // The token goes into a header and a URL path: it has to be a plain printable string.
    if (token === undefined || !/^[\x21-\x7e]{1,512}$/.test(token)) {
      throw new RestError(`device ${this.#o.label}: ${route} answered ${r.status} without a usable X-Auth-Token`, {
        status: r.status,
        route,
        transient: false,
      });
    }
    this.#token = token;
    this.#tokens.push(token);
  }

  /** One call with credentials; a 401 on a token re-authenticates once and repeats the call. */
  async #authorized(method: RestMethod, path: string, body: unknown, route: string): Promise<Reply> {
    const used = this.#token;
    let reply = await this.#send(method, path, body, route, this.#authHeader());
    if (reply.status === 401) {
      if (!this.#o.tokenAuth) throw this.#badCredentials(401, route);
      await this.#renew(used);
      reply = await this.#send(method, path, body, route, this.#authHeader());
      if (reply.status === 401) {
        throw new RestError(
          `device ${this.#o.label}: the ASA answered 401 to ${route} right after issuing a new token; check the ` +
            "user's REST authorization (privilege 15 for writes)",
          { status: 401, route, transient: false },
        );
      }
    }
    if (reply.status >= 200 && reply.status < 300) return reply;
    throw this.#httpError(route, reply);
  }

  /** One new token for all callers that saw `used` refused. */
  async #renew(used: string | undefined): Promise<void> {
    if (this.#token !== used) return;
    this.#renewing ??= this.#login().finally(() => {
      this.#renewing = undefined;
    });
    await this.#renewing;
  }

  #authHeader(): Record<string, string> {
    return this.#o.tokenAuth && this.#token !== undefined
      ? { 'x-auth-token': this.#token }
      : { authorization: this.#basic };
  }

  async #retrying(route: string, retry: boolean, call: () => Promise<Reply>): Promise<Reply> {
    const start = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (e) {
        if (!(e instanceof RestError) || !e.transient || !retry) throw e;
        const elapsed = Date.now() - start;
        const { delayMs, allowed } = this.backoff(attempt, elapsed);
        if (!allowed) throw this.#exhausted(e, attempt, elapsed);
        this.stats.retries++;
        this.#o.log.debug('REST retry', { device: this.#o.label, route, status: e.status, attempt, delayMs });
        await sleep(delayMs);
      }
    }
  }

  #exhausted(e: RestError, attempts: number, elapsedMs: number): RestError {
    const tried = `${attempts} attempt${attempts === 1 ? '' : 's'} over ${(elapsedMs / 1000).toFixed(1)} s`;
    if (e.status === 500) {
      return new RestError(`${agentFailingAdvice(this.#o.label)} (${e.route}: ${tried}; last: ${e.message})`, {
        status: 500,
        route: e.route,
        messages: e.messages,
        transient: true,
        agentFailing: true,
        cause: e,
      });
    }
    return new RestError(`${e.message} (gave up after ${tried})`, {
      status: e.status,
      route: e.route,
      messages: e.messages,
      transient: true,
      cause: e,
    });
  }

  #badCredentials(status: number, route: string): RestError {
    return new RestError(`device ${this.#o.label}: the ASA refused the REST credentials (${status})`, {
      status,
      route,
      transient: false,
    });
  }

  #httpError(route: string, r: Reply): RestError {
    const what = this.#redact(describeBody(r.status, r.text, r.contentType, r.body));
    const messages = (parseMessages(r.body) ?? []).map((m) => ({
      ...m,
      details: this.#redact(m.details),
      ...(m.context !== undefined ? { context: this.#redact(m.context) } : {}),
    }));
    return new RestError(`device ${this.#o.label}: ${route}: HTTP ${r.status}: ${what}`, {
      status: r.status,
      route,
      messages,
      transient: RETRY_STATUS.has(r.status),
    });
  }

  /** One HTTP exchange, paced; the reply whatever its status, or a RestError when there is no HTTP answer. */
  async #send(
    method: RestMethod,
    path: string,
    body: unknown,
    route: string,
    auth: Record<string, string>,
  ): Promise<Reply> {
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, accept: 'application/json', ...auth };
    let payload: string | undefined;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    await this.#gate.acquire();
    const signal = AbortSignal.timeout(this.#o.requestTimeoutMs);
    try {
      this.stats.requests++;
      const res = await this.#pool.request({
        path: `${this.#basePath}${path}`,
        method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
        signal,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > MAX_REPLY_BYTES) {
          res.body.destroy();
          throw new RestError(`device ${this.#o.label}: ${route}: reply larger than ${MAX_REPLY_BYTES} bytes`, {
            status: res.statusCode,
            route,
            transient: false,
          });
        }
        chunks.push(chunk);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (v !== undefined) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      }
      const contentType = flat['content-type'];
      // The token header is kept only for the login that asked for it.
      if (route !== 'POST /tokenservices') delete flat['x-auth-token'];
      return { status: res.statusCode, headers: flat, body: parseJson(text), text, contentType };
    } catch (e) {
      if (e instanceof RestError) throw e;
      throw this.#networkError(e, route, signal.aborted);
    } finally {
      this.#gate.release();
    }
  }

  #networkError(e: unknown, route: string, timedOut: boolean): RestError {
    const where = `device ${this.#o.label}: ${route}`;
    if (e instanceof TlsTrustError) return new RestError(e.message, { route, transient: false });
    if (timedOut) {
      return new RestError(`${where}: no reply within ${this.#o.requestTimeoutMs} ms`, { route, transient: true });
    }
    const code = typeof e === 'object' && e !== null ? String((e as { code?: unknown }).code ?? '') : '';
    const text = cleanText(this.#redact(e instanceof Error ? e.message : String(e)));
    if (code === 'ECONNREFUSED') {
      return new RestError(`${where}: connection refused (the REST agent may be restarting): ${text}`, {
        route,
        transient: true,
      });
    }
    return new RestError(`${where}: ${code ? `${code}: ` : ''}${text}`, {
      route,
      transient: TRANSIENT_CODES.has(code),
      cause: e,
    });
  }

  /** Device text and library errors may echo what we sent: never let a secret through. */
  #redact(s: string): string {
    let out = s;
    for (const secret of [this.#o.password, this.#basic.slice(6), ...this.#tokens]) {
      if (secret !== undefined && secret.length >= 3) out = out.split(secret).join('***');
    }
    return out;
  }
}

function parseJson(text: string): unknown {
  const t = text.trim();
  if (t === '' || (t[0] !== '{' && t[0] !== '[')) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}
