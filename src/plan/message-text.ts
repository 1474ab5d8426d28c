// Text taken from a file (a key, a pinned zone name, JSON.parse's quote of the file) inside an error message: its
// invisible characters are escaped so it stays on its line and cannot forge another one, and it is cut to a length a
// person reads. Found by the plan-file fuzz test: a key "x\nhostname pwned" printed a line of its own, a 2 MB zone
// name made a 2 MB message.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** How much of an untrusted text a message quotes by default. */
export const QUOTE_LIMIT = 64;

/** `text` with its control, bidi and other invisible characters escaped, cut to `max` characters. */
export function printable(text: string, max: number = QUOTE_LIMIT): string {
  let cut = text;
  if (text.length > max) {
    const head = text.slice(0, max);
    // Never leave half of a surrogate pair at the cut.
    const end = /[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head;
    cut = `${end}... (${text.length} characters)`;
  }
  return cut.replace(INVISIBLE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
