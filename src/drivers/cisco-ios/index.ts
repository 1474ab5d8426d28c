// The Cisco IOS / IOS-XE driver: a thin session around pure render (render.ts) and parse (parse.ts).
// Connect -> enable -> terminal length 0 / width 511; observe reads `show running-config | section object-group`;
// apply, inside `configure terminal` ... `end`, sends each group's header alone and confirms the sub-mode prompt,
// then the group's member lines in batched windows; save runs write memory.

import { ConfigError, InternalError, TransientError } from '../../errors.js';
import type { GroupChange } from '../../plan/model.js';
import { DeviceApplyError } from '../driver.js';
import { batchFailureError, sendConfigLine } from '../shared/config-lines.js';
import type { ConfigLineContext } from '../shared/config-lines.js';
import type { Driver, DriverApplyOptions, DriverContext, GroupRef, Observation } from '../driver.js';
import { findDeviceError } from '../shared/cli-text.js';
import { IOS_ERROR_RULES } from './error-rules.js';
import type { PlatformOptions } from '../platform.js';
import { openCliSession } from '../shared/cli-login.js';
import { readCliOptions } from '../shared/cli-settings.js';
import type { CliOptions } from '../shared/cli-settings.js';
import { DEFAULT_BATCH_WINDOW } from '../shared/ssh-session.js';
import type { CliSession } from '../shared/ssh-session.js';
import { foldObservedGroups } from './observe.js';
import type { IosDeviceFacts } from './observe.js';
import { parseShowAccessLists, parseShowObjectGroup, RunningConfigParser } from './parse.js';
import type { IosObjectGroups } from './parse.js';
import { listGroupBlocks, v6TwinName } from './render.js';
import { writeMemory } from './write-memory.js';

/** Knobs for benchmarks and tests; retries and their delays are device settings (spec.advanced). */
export interface IosDriverTuning {
  /** Lines in flight per batch window (see bench/ssh-apply.mjs). */
  readonly batchWindow?: number;
}

/** IOS's words for the shared login (shared/cli-login.ts). */
const IOS_LOGIN = {
  platform: 'ios',
  defaultPasswordPrompt: '^[Pp]assword: ?$',
  // Not fatal when refused: the pager is handled anyway and a narrow terminal only cuts echoes (counted by prompt).
  setup: ['terminal length 0', 'terminal width 511'],
  errorRules: IOS_ERROR_RULES,
} as const;

export async function createIosDriver(ctx: DriverContext, tuning: IosDriverTuning = {}): Promise<Driver> {
  return new IosDriver(ctx, await openCliSession(ctx, IOS_LOGIN), tuning);
}

/** The facts render needs, as observe left them in the observation (opaque to the core). */
function factsOf(basis: Observation): IosDeviceFacts {
  const f = basis.facts as Partial<IosDeviceFacts> | undefined;
  if (f?.v6TwinsPresent instanceof Set && f.maskHosts instanceof Map) return f as IosDeviceFacts;
  throw new InternalError('the IOS driver was given a basis it did not observe');
}

/** The facts after the changes: twins made by IPv6 adds, dropped with their group; removed mask-form hosts gone. */
function factsAfter(facts: IosDeviceFacts, changes: readonly GroupChange[]): IosDeviceFacts {
  const twins = new Set(facts.v6TwinsPresent);
  const maskHosts = new Map(facts.maskHosts);
  for (const c of changes) {
    if (c.action === 'delete') {
      twins.delete(c.name);
      maskHosts.delete(c.name);
    } else if (c.add.v6.len.length > 0) twins.add(c.name);
  }
  return { v6TwinsPresent: twins, maskHosts };
}

/** The prompt of an object-group sub-mode: `R1(config-network-group)#`, `R1(config-v6-network-group)#`. */
const GROUP_SUBMODE_PROMPT = /\(config-[^)]*network-group\)#\s*$/;

/** `advanced.compressConfig` (platform.ts), default leave. */
function readCompressConfig(o: PlatformOptions): 'compress' | 'uncompress' | 'leave' {
  const v = o['advanced.compressConfig'];
  return v === 'compress' || v === 'uncompress' ? v : 'leave';
}

class IosDriver implements Driver {
  /** The apply-time wording's context (shared/config-lines.ts): this platform's rules and advice. */
  private get lines(): ConfigLineContext {
    return {
      session: this.session,
      label: this.label,
      platform: 'ios',
      rules: IOS_ERROR_RULES,
      log: this.ctx.log,
      leave: () => this.leaveConfig(),
    };
  }

  private readonly cli: CliOptions;

  constructor(
    private readonly ctx: DriverContext,
    private readonly session: CliSession,
    private readonly tuning: IosDriverTuning,
  ) {
    this.cli = readCliOptions(ctx.spec.options);
  }

  private get label(): string {
    return this.ctx.spec.name;
  }

  /** For the closing `end` and `write memory`, which may stay silent for long on a big configuration. */
  private get slowTimeoutMs(): number {
    return Math.max(4 * this.ctx.spec.advanced.commandTimeoutMs, 60_000);
  }

  async observe(groups: readonly GroupRef[]): Promise<Observation> {
    const parsed = await this.readObjectGroups();
    const { groups: observed, facts } = foldObservedGroups(parsed, groups);
    this.ctx.log.info('ios observed', { device: this.label, groups: observed.length });
    return { groups: observed, facts };
  }

  /** IOS groups hold their members directly: nothing beyond members, except a twin made or removed. */
  describe(changes: readonly GroupChange[], basis: Observation): readonly string[] {
    const twins = factsOf(basis).v6TwinsPresent;
    const out: string[] = [];
    for (const c of changes) {
      const twin = `object-group v6-network ${v6TwinName(c.name)}`;
      if (c.action === 'delete' && twins.has(c.name)) out.push(`delete ${twin} (the IPv6 twin of ${c.name})`);
      else if (c.action !== 'delete' && !twins.has(c.name) && c.add.v6.len.length > 0)
        out.push(`create ${twin} for the IPv6 members of ${c.name}`);
    }
    return out;
  }

  private async readObjectGroups(): Promise<IosObjectGroups> {
    // Parsed as the lines arrive: a 1M-member group is never held as text (the segment keeps its first lines).
    const parser = new RunningConfigParser();
    const seg = await this.session.send('show running-config | section object-group', {
      onLine: (line) => parser.pushLine(line),
    });
    if (findDeviceError(seg.lines, IOS_ERROR_RULES) === undefined) return parser.finish();
    // Old IOS without `| section`: the show forms carry the same facts.
    this.ctx.log.warn('ios section filter refused, using show object-group', { device: this.label });
    const og = await this.session.send('show object-group');
    const acl = await this.session.send('show ip access-lists');
    for (const s of [og, acl]) {
      const hit = findDeviceError(s.lines, IOS_ERROR_RULES);
      if (hit) throw new TransientError(`device ${this.label}: cannot read object-groups: ${hit.text}`);
    }
    return { groups: parseShowObjectGroup(og.lines.join('\n')), usedBy: parseShowAccessLists(acl.lines.join('\n')) };
  }

  async apply(
    changes: readonly GroupChange[],
    basis: Observation,
    opts: DriverApplyOptions = {},
  ): Promise<Observation> {
    const facts = factsOf(basis);
    const blocks = listGroupBlocks(changes, facts);
    const after = { ...basis, facts: factsAfter(facts, changes) };
    if (blocks.length === 0) return after;
    const total = blocks.reduce((n, b) => n + b.headWeight + (b.members?.total ?? 0), 0);
    this.ctx.log.info('ios apply start', { device: this.label, groups: blocks.length, memberChanges: total });
    await this.enterConfig(total);
    let done = 0;
    const progress = (n: number): void => opts.onProgress?.({ done: n, total });
    for (const block of blocks) {
      if (opts.signal?.aborted === true) {
        await this.leaveConfig();
        throw new DeviceApplyError(`device ${this.label}: interrupted`, block.head, undefined, done, true, true);
      }
      await sendConfigLine(this.lines, block.head, done);
      done += block.headWeight;
      if (block.members === undefined) {
        progress(done);
        continue;
      }
      // Never send member lines unless the device is in the group's sub-mode (a refused header would leave them at
      // the global level: `host 203.0.113.5` abbreviates `hostname`).
      const prompt = this.session.prompt;
      if (!GROUP_SUBMODE_PROMPT.test(prompt)) {
        await this.leaveConfig();
        const words = `the device stayed at "${prompt.trim()}"`;
        throw new DeviceApplyError(
          `device ${this.label} did not enter the object-group sub-mode after "${block.head}": ${words}`,
          block.head,
          words,
          done,
          false,
        );
      }
      const members = block.members;
      const before = done;
      const result = await this.session.sendBatch(members, {
        rules: IOS_ERROR_RULES,
        window: this.tuning.batchWindow ?? DEFAULT_BATCH_WINDOW,
        expectPrompt: prompt,
        onConfirmed: (n) => progress(before + members.doneAfter(n)),
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      });
      done = before + members.doneAfter(result.confirmed);
      if (result.failure !== undefined) {
        await this.leaveConfig();
        throw batchFailureError(this.lines, result.failure, done);
      }
      await sendConfigLine(this.lines, 'exit', done);
    }
    // Leaving config mode can take long after a big change (the device rebuilds ACL structures, spec §6 row 17).
    const end = await this.session.send('end', { timeoutMs: this.slowTimeoutMs }).catch((err: Error) => {
      throw new DeviceApplyError(`device ${this.label}: ${err.message}`, 'end', undefined, done, true);
    });
    const hit = findDeviceError(end.lines, IOS_ERROR_RULES);
    if (hit)
      throw new DeviceApplyError(`device ${this.label} refused "end": ${hit.text}`, 'end', hit.text, done, false);
    progress(total);
    this.ctx.log.info('ios apply done', { device: this.label, memberChanges: total });
    return after;
  }

  /** After a failure: back to privileged mode, if the session still stands (best effort). */
  private async leaveConfig(): Promise<void> {
    if (!this.session.isClosed) await this.session.send('end').catch(() => undefined);
  }

  /** `configure terminal`, retried while another session holds configuration mode (spec §6 row 4). */
  private async enterConfig(total: number): Promise<void> {
    const retries = this.cli.configLockRetries;
    for (let attempt = 0; ; attempt++) {
      const seg = await this.session.send('configure terminal').catch((err: Error) => {
        throw new DeviceApplyError(`device ${this.label}: ${err.message}`, 'configure terminal', undefined, 0, true);
      });
      const hit = findDeviceError(seg.lines, IOS_ERROR_RULES);
      if (hit === undefined && this.session.mode === 'config') return;
      const words = hit?.text ?? seg.lines.join(' ').trim();
      if (hit?.kind !== 'lock' || attempt >= retries) {
        throw new DeviceApplyError(
          `device ${this.label}: cannot enter configuration mode: ${words}`,
          'configure terminal',
          words,
          0,
          hit?.kind === 'lock',
        );
      }
      this.ctx.log.warn('ios config mode locked, retrying', { device: this.label, attempt: attempt + 1, total });
      await new Promise((r) => setTimeout(r, this.cli.configLockRetryDelayMs * (attempt + 1)));
    }
  }

  async save(): Promise<void> {
    const mode = readCompressConfig(this.ctx.spec.options);
    if (mode !== 'leave') {
      await this.enterConfig(0);
      const cmd = mode === 'compress' ? 'service compress-config' : 'no service compress-config';
      const seg = await this.session.send(cmd);
      await this.session.send('end');
      const hit = findDeviceError(seg.lines, IOS_ERROR_RULES);
      if (hit)
        throw new ConfigError(
          `device ${this.label} refused "${cmd}": ${hit.text}`,
          'set advanced.compressConfig: leave',
        );
    }
    await writeMemory(this.session, {
      deviceLabel: this.label,
      busyRetries: this.cli.saveRetries,
      busyDelayMs: this.cli.saveRetryDelayMs,
      timeoutMs: this.slowTimeoutMs,
      log: this.ctx.log,
    });
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
