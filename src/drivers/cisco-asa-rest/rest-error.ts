// The one error of the ASA REST client. A reply body comes from the device: it is untrusted, so only the
// `messages` list is shown (each field checked, bounded, control characters stripped) and any other body is
// described (status, size, content type), never echoed.

export interface RestMessage {
  readonly level: string;
  readonly code: string;
  readonly context?: string;
  readonly details: string;
}

export interface RestErrorInit {
  readonly status?: number | undefined;
  readonly route: string;
  readonly messages?: readonly RestMessage[];
  readonly transient: boolean;
  readonly agentFailing?: boolean;
  readonly cause?: unknown;
}

/** A failed REST call. `transient`: retrying later may help (the driver re-reads before writing again). */
export class RestError extends Error {
  override readonly name = 'RestError';
  /** undefined: no HTTP answer (refused, reset, timeout, TLS). */
  readonly status: number | undefined;
  /** The route template, e.g. `PATCH /objects/networkobjectgroups/{id}` (never a token). */
  readonly route: string;
  readonly messages: readonly RestMessage[];
  readonly transient: boolean;
  /** 500s persisted past the retry budget: the message carries the out-of-memory advice. */
  readonly agentFailing: boolean;

  constructor(message: string, init: RestErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.route = init.route;
    this.messages = init.messages ?? [];
    this.transient = init.transient;
    this.agentFailing = init.agentFailing ?? false;
  }
}

const MAX_FIELD = 300;
const MAX_SHOWN = 20;

/** Printable, one line, bounded: device text never carries terminal escapes or megabytes into a message. */
export function cleanText(s: string, max = MAX_FIELD): string {
  // eslint-disable-next-line no-control-regex
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}

/** The `messages` of an ASA error body when it has that shape (every entry checked); else undefined. */
export function parseMessages(body: unknown): RestMessage[] | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const list = (body as { messages?: unknown }).messages;
  if (!Array.isArray(list)) return undefined;
  const out: RestMessage[] = [];
  for (const m of list) {
    if (typeof m !== 'object' || m === null) return undefined;
    const { level, code, context, details } = m as Record<string, unknown>;
    if (typeof details !== 'string') return undefined;
    if (level !== undefined && typeof level !== 'string') return undefined;
    if (code !== undefined && typeof code !== 'string') return undefined;
    if (context !== undefined && typeof context !== 'string') return undefined;
    out.push({
      level: cleanText(level ?? '', 20),
      code: cleanText(code ?? '', 60),
      ...(context ? { context: cleanText(context, 100) } : {}),
      details: cleanText(details),
    });
  }
  return out;
}

/** `Error CODE (context): details`, one line per message (at most 20 shown, the rest counted). */
export function formatMessages(messages: readonly RestMessage[]): string {
  const lines = messages.slice(0, MAX_SHOWN).map((m) => {
    const head = [m.level || 'Message', m.code].filter((s) => s !== '').join(' ');
    return `${head}${m.context ? ` (${m.context})` : ''}: ${m.details}`;
  });
  if (messages.length > MAX_SHOWN) lines.push(`(${messages.length - MAX_SHOWN} more messages)`);
  return lines.join('\n');
}

/** What an error reply said: its messages, or a description of a body we do not echo. */
export function describeBody(status: number, text: string, contentType: string | undefined, body: unknown): string {
  const messages = parseMessages(body);
  if (messages && messages.length > 0) return formatMessages(messages);
  const bytes = Buffer.byteLength(text);
  if (bytes === 0) return 'empty body';
  const type = cleanText((contentType ?? 'no content type').split(';')[0] ?? '', 60);
  return body === undefined
    ? `non-JSON ${status} body (${bytes} bytes, ${type})`
    : `JSON ${status} body without messages (${bytes} bytes)`;
}

/** The advice when the agent keeps answering 500: the driver may use it for its own write retries too. */
export function agentFailingAdvice(label: string): string {
  return (
    `device ${label}: the ASA REST agent keeps failing (HTTP 500: typically out of memory with a large ` +
    'configuration); lower objectGroups.maxEntries or nestedSize, restart the agent (`no rest-api agent` then ' +
    '`rest-api agent`), or manage the device over SSH (platform: asa, or advanced.fallback: ssh)'
  );
}
