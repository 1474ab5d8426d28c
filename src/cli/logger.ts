// The CLI's logger: a fixed message plus structured fields, one line each on stderr, secrets redacted. JSON lines
// (for a log collector) when stderr is not a terminal or with `--log-format json`; text on a terminal.

import type { Logger } from '../drivers/driver.js';
import { redactSecrets } from '../config/secrets.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  readonly write?: (line: string) => void;
}

export function createLogger(opts: LoggerOptions): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[level] < ORDER[opts.level]) return;
    const line =
      opts.format === 'json'
        ? JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })
        : `${level.padEnd(5)} ${msg}${formatFields(fields)}`;
    write(redactSecrets(line));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

function formatFields(fields?: Record<string, unknown>): string {
  if (!fields) return '';
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/\s/.test(v) ? v : JSON.stringify(v)}`);
  return parts.length ? ' ' + parts.join(' ') : '';
}

/** The format asked for (flag or TSCM_LOG_FORMAT), else text on a terminal and JSON lines otherwise. */
export function resolveLogFormat(asked: string | undefined, stderrIsTTY: boolean | undefined): LogFormat {
  if (asked === 'text' || asked === 'json') return asked;
  return stderrIsTTY === true ? 'text' : 'json';
}

/** A logger that drops everything (library use, tests that do not look at logs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
