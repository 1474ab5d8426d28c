// A Dockerfile read into its instructions, enough for tests to check one without a Docker engine: continuation
// lines joined, comments dropped, the JSON (exec) form of arguments parsed, `ARG NAME=default` values applied.

export interface Instruction {
  readonly keyword: string;
  /** The text after the keyword, continuation lines joined. */
  readonly text: string;
  /** The exec form's words when the text is a JSON array, else null. */
  readonly exec: readonly string[] | null;
  /** The build stage it belongs to: 0 before the first FROM (global ARGs), then 1, 2, ... */
  readonly stage: number;
}

export function parseDockerfile(source: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = 0;
  let pending = '';
  for (const raw of source.split('\n')) {
    if (pending === '' && /^\s*#/.test(raw)) continue;
    if (pending !== '' && /^\s*#/.test(raw)) continue; // a comment inside a continued instruction
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full === '') continue;
    const m = /^([A-Za-z]+)\s+([\s\S]*)$/.exec(full);
    if (!m) throw new Error(`not an instruction: ${full}`);
    const keyword = m[1]!.toUpperCase();
    if (keyword === 'FROM') stage++;
    const text = m[2]!.replace(/\s+/g, ' ').trim();
    out.push({ keyword, text, exec: execForm(text), stage });
  }
  if (pending !== '') throw new Error('the Dockerfile ends in a continuation line');
  return out;
}

function execForm(text: string): string[] | null {
  if (!text.startsWith('[')) return null;
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`bad exec form: ${text}`);
  return value;
}

/** The KEY="value" pairs of a LABEL or ENV instruction (quotes removed). */
export function keyValues(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const m of text.matchAll(/([A-Za-z0-9_.-]+)=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    const v = m[2]!;
    pairs.set(m[1]!, v.startsWith('"') ? v.slice(1, -1) : v);
  }
  return pairs;
}

/** `${NAME}` replaced by the ARG defaults declared before the first FROM and in the given stage. */
export function expandArgs(text: string, instructions: readonly Instruction[], stage: number): string {
  const defaults = new Map<string, string>();
  for (const i of instructions) {
    if (i.keyword !== 'ARG' || (i.stage !== 0 && i.stage !== stage)) continue;
    const [name, value] = i.text.split('=', 2) as [string, string | undefined];
    if (value !== undefined) defaults.set(name, value);
    else if (!defaults.has(name)) defaults.set(name, '');
  }
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, name: string) => defaults.get(name) ?? '');
}
