// Progress of long applies on stderr: a line rewritten in place on a terminal, a line per 10% otherwise; in JSON
// log mode a JSON event per 10% on the log stream ("apply progress" with device, host, done, total, percent).

import type { Endpoint } from '../config/types.js';
import type { ApplyProgress } from '../drivers/driver.js';
import type { LogFormat } from './logger.js';
import { jsonLine } from './stderr-notice.js';

export interface ProgressReporter {
  update(device: string, endpoint: Endpoint, p: ApplyProgress): void;
  done(): void;
}

export function createProgressReporter(out: NodeJS.WriteStream, format: LogFormat = 'text'): ProgressReporter {
  let lastTenth = -1;
  let lastDraw = 0;
  let drawn = false;
  let drawnLength = 0;
  return {
    update(device, endpoint, p) {
      if (p.total < 1000) return; // short applies finish before a progress line would help
      const pct = Math.floor((p.done / p.total) * 100);
      const text = `applying ${device} (${endpoint.host}): ${p.done}/${p.total} changes (${pct}%)`;
      if (format === 'json') {
        const tenth = Math.floor(pct / 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        const fields = { event: 'progress', device, host: endpoint.host, done: p.done, total: p.total, percent: pct };
        out.write(jsonLine('info', 'apply progress', fields));
      } else if (out.isTTY) {
        const now = Date.now();
        if (now - lastDraw < 100 && p.done < p.total) return;
        lastDraw = now;
        // Spaces rather than an erase-line escape: no ANSI sequence ever, whatever NO_COLOR says.
        out.write(`\r${text}${' '.repeat(Math.max(0, drawnLength - text.length))}`);
        drawnLength = text.length;
        drawn = true;
      } else {
        const tenth = Math.floor(pct / 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        out.write(text + '\n');
      }
    },
    done() {
      if (drawn) out.write('\n');
      drawn = false;
      drawnLength = 0;
      lastTenth = -1;
    },
  };
}
