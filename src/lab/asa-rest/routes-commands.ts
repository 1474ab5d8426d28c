// POST /api/commands/writemem and POST /api/cli (spec §3, §7 "ASA REST"). The CLI passthrough runs each command
// through the SSH emulator's shell (same grammar, same handlers) in configuration mode [I], one string per command,
// "" for a silent line; questions get their default answer, as no one is there to type.

import { AsaShell } from '../asa/shell.js';
import type { AsaUnit } from '../asa/device.js';
import type { VtyConsole } from '../vty/session.js';
import type { FaultState } from './faults.js';
import { errorReply } from './reply.js';
import type { Reply } from './reply.js';

const MAX_COMMANDS = 100;
const MAX_COMMAND_CHARS = 1024;

export function writeMemory(unit: AsaUnit, faults: FaultState): Reply {
  if (faults.writememFailuresLeft > 0) {
    faults.writememFailuresLeft--;
    return errorReply(500, '%Error copying system:/running-config (No Device)', 'WRITE-FAILED');
  }
  return { status: 200, json: { response: [unit.device.writeMemory().join('\n') + '\n'] } };
}

/** A console that collects what the shell prints. */
function captureConsole(out: string[]): VtyConsole {
  const console: VtyConsole = {
    terminal: { length: 0, width: 511 },
    print: (...lines) => out.push(...lines),
    printPaged: (lines) => out.push(...lines),
    ask: (question) => question.answer(question.single ? '\r' : ''),
    close: () => {},
    notify: (text) => out.push(text),
  };
  return console;
}

export function runCli(unit: AsaUnit, username: string, input: unknown): Reply {
  const commands = (input as { commands?: unknown } | null)?.commands;
  const keys = typeof input === 'object' && input !== null && !Array.isArray(input) ? Object.keys(input) : [];
  if (!Array.isArray(commands) || keys.some((k) => k !== 'commands')) {
    return errorReply(400, 'the body must be {"commands": ["...", ...]}', 'INVALID-INPUT', 'commands');
  }
  if (commands.length > MAX_COMMANDS) {
    return errorReply(400, `at most ${MAX_COMMANDS} commands per request`, 'INVALID-INPUT', 'commands');
  }
  for (const [i, command] of commands.entries()) {
    if (
      typeof command !== 'string' ||
      command.length > MAX_COMMAND_CHARS ||
      ['\r', '\n', '\0'].some((c) => command.includes(c))
    ) {
      return errorReply(400, `commands[${i}] must be one line of text`, 'INVALID-INPUT', 'commands');
    }
  }
  const out: string[] = [];
  const shell = new AsaShell(unit, captureConsole(out), { username, remoteIp: '127.0.0.1' }, { kind: 'config' });
  const response = (commands as string[]).map((command) => {
    out.length = 0;
    if (command.trim() !== '') shell.execute(command);
    return out.length > 0 ? out.join('\n') + '\n' : '';
  });
  return { status: 200, json: { response } };
}
