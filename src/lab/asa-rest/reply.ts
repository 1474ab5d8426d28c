// What a route answers, and the REST agent's error body (spec §3 "Errors"): `{"messages":[{level, code, details}]}`.

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body; none: an empty body. */
  readonly json?: unknown;
  /** A non-JSON body (the HTML 500 page, the 404 of an absent agent). */
  readonly html?: string;
}

export interface RestMessage {
  readonly level: 'Error' | 'Warning' | 'Info';
  readonly code: string;
  readonly context?: string;
  readonly details: string;
}

export function errorReply(status: number, details: string | readonly string[], code = '', context?: string): Reply {
  const list = typeof details === 'string' ? [details] : details;
  const messages: RestMessage[] = list.map((d) => ({
    level: 'Error',
    code,
    ...(context !== undefined ? { context } : {}),
    details: d,
  }));
  return { status, json: { messages } };
}

/** The agent's catch-all 500 as HTML (a body that is not JSON) [I]. */
export const HTML_500 =
  '<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>\n';
/** An ASA without the REST agent: its web server has no /api [I]. */
export const HTML_404 = '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n';
