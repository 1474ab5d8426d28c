import { describe, expect, it } from 'vitest';
import {
  buildPromptRegex,
  cleanTerminalText,
  echoMatches,
  findDeviceError,
  findDeviceNotices,
  isAsyncLogLine,
  readMode,
  readPromptHost,
} from './cli-text.js';
import type { DeviceErrorRule } from './cli-text.js';
import { PromptSplitter } from './prompt-splitter.js';

/** A platform's words, as a driver gives them: a notice before the catch-all that would match the same line. */
const RULES: readonly DeviceErrorRule[] = [
  { re: /failed; object already exists/, kind: 'notice' },
  { re: /% ?Invalid input detected/i, kind: 'fatal' },
  { re: /Configuration mode (?:is )?locked/i, kind: 'lock' },
  { re: /failed/i, kind: 'fatal' },
];

describe('cli-text', () => {
  it('learns the host and builds a prompt regex with the 20-char config-mode cut', () => {
    const host = readPromptHost('very-long-hostname-edge-01#');
    expect(host).toBe('very-long-hostname-edge-01');
    const re = buildPromptRegex(host);
    expect(re.test('very-long-hostname-edge-01#')).toBe(true);
    expect(re.test('very-long-hostname-e(config-network-group)#')).toBe(true);
    expect(re.test('very-long-hostname-edge-01>')).toBe(true);
    expect(re.test(' host 10.0.0.1')).toBe(false);
    expect(re.test('other#')).toBe(false);
    expect(readPromptHost('R1(config)#')).toBe('R1');
    expect(readMode('R1(config-network-group)#')).toBe('config');
    expect(readMode('R1#')).toBe('privileged');
    expect(readMode('R1>')).toBe('exec');
  });

  it('cleans CR, ANSI and pager erasure', () => {
    expect(cleanTerminalText('a\r\r\nb\x1b[7m\x08\x08\x08\x08        \x08\x08\x08\x08c\r')).toBe('a\nbc');
  });

  it('recognises console log lines', () => {
    expect(isAsyncLogLine('*Mar  1 00:01:02.123: %SYS-5-CONFIG_I: Configured from console by admin on vty0')).toBe(
      true,
    );
    expect(isAsyncLogLine('%SYS-5-CONFIG_I: Configured from console by console')).toBe(true);
    expect(isAsyncLogLine('Nov 23 01:02:03.456 UTC: %LINK-3-UPDOWN: Interface Gi0/1, changed state to up')).toBe(true);
    expect(isAsyncLogLine(' host 10.0.0.1')).toBe(false);
    expect(isAsyncLogLine('% Invalid input detected at')).toBe(false);
  });

  it('finds errors with the caret line and classifies locks', () => {
    const hit = findDeviceError(['              ^', "% Invalid input detected at '^' marker."], RULES);
    expect(hit?.kind).toBe('fatal');
    expect(hit?.text).toContain('^\n% Invalid input');
    const lock = findDeviceError(
      ["Configuration mode is locked by process '484' user 'NETCONF' from terminal '64'. Please try later."],
      RULES,
    );
    expect(lock?.kind).toBe('lock');
    expect(findDeviceError(['Enter configuration commands, one per line.  End with CNTL/Z.'], RULES)).toBe(undefined);
  });

  it('reports a notice line as a fact, not an error, when its rule comes first', () => {
    const dup = 'Adding obj (10.0.0.1 ) to grp (B) failed; object already exists';
    expect(findDeviceError([dup], RULES)).toBeUndefined();
    expect(findDeviceNotices(['WARNING: x', dup], RULES)).toEqual([dup]);
    expect(findDeviceError([dup, 'Removing failed'], RULES)?.text).toBe('Removing failed');
  });

  it('matches echoes, cut ones too', () => {
    expect(echoMatches(' host  10.0.0.1 ', 'host 10.0.0.1')).toBe(true);
    expect(echoMatches('$network-object object 20.20.20.20_SCTAS', 'no network-object object 20.20.20.20_SCTAS')).toBe(
      true,
    );
    expect(echoMatches('host 10.0.0.2', 'host 10.0.0.1')).toBe(false);
  });
});

describe('PromptSplitter', () => {
  const re = buildPromptRegex('R1');

  it('attributes output to commands by counting prompts, across arbitrary chunking', () => {
    const stream =
      'object-group network X\nR1(config-network-group)# host 10.0.0.1\nR1(config-network-group)# bogus\n' +
      "              ^\n% Invalid input detected at '^' marker.\n\nR1(config-network-group)#exit\nR1(config)#";
    for (const size of [1, 3, 7, 1000]) {
      const s = new PromptSplitter(re);
      s.resetAtPrompt('R1(config)#');
      for (let i = 0; i < stream.length; i += size) s.push(stream.slice(i, i + size));
      const segs = s.take();
      // The prompt regex allows one trailing space, so compare echoes trimmed (echoMatches does too).
      expect(segs.map((g) => g.echo.trim())).toEqual(['object-group network X', 'host 10.0.0.1', 'bogus', 'exit']);
      expect(segs[2]?.lines).toContain("% Invalid input detected at '^' marker.");
      expect(segs[3]?.prompt).toBe('R1(config)#');
      expect(s.partialLine).toBe('R1(config)#');
    }
  });

  it('drops console log lines and recovers an echo they displaced', () => {
    const s = new PromptSplitter(re);
    s.resetAtPrompt('R1#');
    s.push(
      '\n*Mar  1 00:00:01.000: %SYS-5-CONFIG_I: Configured from console by vty0\nshow clock\n12:00:00.000 UTC\nR1#',
    );
    const [seg] = s.take();
    expect(seg?.echo).toBe('show clock');
    expect(seg?.lines).toEqual(['12:00:00.000 UTC']);
  });

  it('streams a long output to a sink line by line, keeping only the first lines in the segment', () => {
    const body = Array.from({ length: 50 }, (_, i) => ` host 10.0.0.${i}`);
    const stream =
      '\n*Mar  1 00:00:01.000: %SYS-5-CONFIG_I: Configured from console by vty0\nshow running-config\n' +
      `object-group network X\n${body.slice(0, 25).join('\n')}\n%LINK-3-UPDOWN: Interface Gi0/1, changed state to up\n` +
      `${body.slice(25).join('\n')}\nR1#show clock\n12:00\nR1#`;
    for (const size of [1, 5, 1000]) {
      const s = new PromptSplitter(re);
      s.resetAtPrompt('R1#');
      const streamed: string[] = [];
      s.setSink({ onLine: (l) => streamed.push(l), keep: 3 });
      for (let i = 0; i < stream.indexOf('R1#show clock') + 4; i += size) {
        s.push(stream.slice(i, Math.min(i + size, stream.indexOf('R1#show clock') + 4)));
      }
      const [seg] = s.take();
      s.setSink(undefined);
      s.push(stream.slice(stream.indexOf('R1#show clock') + 4));
      expect(seg?.echo).toBe('show running-config');
      expect(streamed).toEqual(['object-group network X', ...body]);
      expect(seg?.lines).toEqual(['object-group network X', ' host 10.0.0.0', ' host 10.0.0.1']);
      const [next] = s.take();
      expect(next).toEqual({ echo: 'show clock', lines: ['12:00'], prompt: 'R1#' });
    }
  });
});
