// The PIX 6.2-8.0 / FWSM 3.x driver: a thin session around pure parse (parse.ts), fold (observe.ts), layout
// (layout.ts) and render (render.ts). Connect over SSH (legacy algorithms by the common advanced.* opt-in) or, by
// explicit opt-in, telnet (PIX 6.x speaks only SSH 1) -> enable -> pager off in the variant's words; observe reads
// `write terminal`; apply, inside `configure terminal` ... `exit` (PIX 6 refuses `end`), sends each group's
// header alone and confirms the sub-mode prompt, then its member lines in batched windows; save runs write memory.

import { parseIpv4Address } from '../../cidr/index.js';
import { InternalError, TransientError } from '../../errors.js';
import type { DeviceCapacity, GroupChange } from '../../plan/model.js';
import { DeviceApplyError } from '../driver.js';
import { batchFailureError, sendConfigLine } from '../shared/config-lines.js';
import type { ConfigLineContext } from '../shared/config-lines.js';
import type { Driver, DriverApplyOptions, DriverContext, GroupRef, Observation } from '../driver.js';
import { openCliSession } from '../shared/cli-login.js';
import type { CliLoginWords } from '../shared/cli-login.js';
import { readCliOptions } from '../shared/cli-settings.js';
import type { CliOptions } from '../shared/cli-settings.js';
import { findDeviceError } from '../shared/cli-text.js';
import { DEFAULT_BATCH_WINDOW } from '../shared/ssh-session.js';
import type { CliSession } from '../shared/ssh-session.js';
import { connectTelnet } from '../shared/telnet-connect.js';
import { NP_ACL_COUNT_COMMAND, parseNpAclCount } from './capacity.js';
import { ACE_LIMIT, PIX_ERROR_RULES } from './error-rules.js';
import { describePixLayout, layoutPixChanges, predictPixBasis } from './layout.js';
import { foldPixGroups, isPixFacts } from './observe.js';
import type { PixFolded } from './observe.js';
import { PixConfigParser } from './parse.js';
import { readPixOptions } from './options.js';
import type { PixOptions } from './options.js';
import type { PixObjectGroups } from './parse.js';
import { listPixBlocks, MemberLines } from './render.js';
import { writePixMemory } from './write-memory.js';

/** Knobs for benchmarks and tests; retries and their delays are device settings (spec.advanced). */
export interface PixDriverTuning {
  readonly batchWindow?: number;
}

/**
 * Pager off, by variant (§7), first accepted wins: `terminal pager 0` (PIX 7, FWSM 3), then `no pager` and
 * `pager lines 0` where a release takes them outside configuration. On PIX 6 the pager is a saved setting (`no pager`
 * sits in the PIX 501's configuration): tscm does not change the configuration for it and turns the pages instead.
 */
const PAGER_OFF = ['terminal pager 0', 'no pager', 'pager lines 0'] as const;

function loginWords(transport: PixOptions['transport']): CliLoginWords {
  return {
    platform: 'pix',
    defaultPasswordPrompt: '^[Pp]assword: ?$',
    enableRefused: /Invalid password|Access denied|% ?Bad secrets?|ERROR:/i,
    setup: [], // the pager words differ by variant: tried in order after login (setPagerOff)
    errorRules: PIX_ERROR_RULES,
    ...(transport === 'telnet' ? { connect: connectTelnet } : {}),
  };
}

export async function createPixDriver(ctx: DriverContext, tuning: PixDriverTuning = {}): Promise<Driver> {
  const options = readPixOptions(ctx.spec.options);
  const cli = readCliOptions(ctx.spec.options);
  const shim = parseIpv4Address(options.shimAddress);
  if (shim < 0) throw new InternalError(`PIX shimAddress ${options.shimAddress} passed validation unparsed`);
  let session: CliSession;
  if (options.transport === 'telnet') {
    // The default port is SSH's; telnet's is 23 unless the definition names another.
    const endpoint = ctx.endpoint.port === 22 ? { ...ctx.endpoint, port: 23 } : ctx.endpoint;
    // Every run says it: the password crosses the network in clear text.
    ctx.log.warn('pix over telnet: credentials and configuration cross the network unencrypted', {
      device: ctx.spec.name,
      port: endpoint.port,
      hint: 'use SSH (advanced.transport: ssh) once the device runs PIX 7 or later',
    });
    session = await openCliSession({ ...ctx, endpoint }, loginWords('telnet'));
  } else session = await openCliSession(ctx, loginWords('ssh'));
  const driver = new PixDriver(ctx, session, shim, cli, tuning);
  try {
    await driver.setPagerOff();
  } catch (err) {
    await session.close();
    throw err;
  }
  return driver;
}

/** The sub-mode of a network group: `(config-network)#` on PIX 6/7, `(config-network-object-group)#` later. */
const GROUP_SUBMODE_PROMPT = /\(config-network(?:-object-group)?\)#\s*$/;

class PixDriver implements Driver {
  /** The apply-time wording's context (shared/config-lines.ts): this platform's rules and advice. */
  private get lines(): ConfigLineContext {
    return {
      session: this.session,
      label: this.label,
      platform: 'pix',
      rules: PIX_ERROR_RULES,
      log: this.ctx.log,
      leave: () => this.leaveConfig(),
      advise: (reply) =>
        ACE_LIMIT.test(reply)
          ? 'the device reached its access-list element limit; raise the limit on the device (or lower objectGroups.maxEntries), then run again'
          : undefined,
    };
  }

  constructor(
    private readonly ctx: DriverContext,
    private readonly session: CliSession,
    private readonly shim: number,
    private readonly cli: CliOptions,
    private readonly tuning: PixDriverTuning,
  ) {}

  private get label(): string {
    return this.ctx.spec.name;
  }

  /** For leaving config mode and `write memory`: an FWSM recompiles its ACLs then (§6 row 17). */
  private get slowTimeoutMs(): number {
    return Math.max(4 * this.ctx.spec.advanced.commandTimeoutMs, 60_000);
  }

  async setPagerOff(): Promise<void> {
    for (const cmd of PAGER_OFF) {
      const seg = await this.session.send(cmd);
      if (findDeviceError(seg.lines, PIX_ERROR_RULES) === undefined) return;
      this.ctx.log.debug('pix pager command refused', { device: this.label, command: cmd });
    }
    // `<--- More --->` is answered by the session, so this only costs time.
    this.ctx.log.info('pix pager left on, pages turned by tscm', { device: this.label, tried: PAGER_OFF.join(', ') });
  }

  async observe(groups: readonly GroupRef[]): Promise<Observation> {
    const folded = foldPixGroups(await this.readConfig(), groups, this.shim);
    const capacity = await this.readCapacity();
    this.ctx.log.info('pix observed', { device: this.label, groups: folded.groups.length });
    return { groups: folded.groups, facts: folded.facts, ...(capacity === undefined ? {} : { capacity }) };
  }

  /** The ACE limit an FWSM states (capacity.ts); a PIX refuses the command, and the documented default applies. */
  private async readCapacity(): Promise<DeviceCapacity | undefined> {
    const seg = await this.session.send(NP_ACL_COUNT_COMMAND);
    const hit = findDeviceError(seg.lines, PIX_ERROR_RULES);
    const capacity = hit === undefined ? parseNpAclCount(seg.lines) : undefined;
    if (capacity === undefined) this.ctx.log.debug('pix states no ACE limit', { device: this.label });
    return capacity;
  }

  /** The whole configuration, parsed as the lines arrive (a 100k-member group is never held as text). */
  private async readConfig(): Promise<PixObjectGroups> {
    // `write terminal` is every variant's word for it (Cisco's PIX 6.2 command reference: "Viewing my configuration:
    // write terminal"); `show running-config` where a release lacks it.
    for (const command of ['write terminal', 'show running-config']) {
      const parser = new PixConfigParser();
      const seg = await this.session.send(command, {
        onLine: (l) => parser.pushLine(l),
        timeoutMs: this.slowTimeoutMs,
      });
      const hit = findDeviceError(seg.lines, PIX_ERROR_RULES);
      if (hit === undefined) return parser.finish();
      this.ctx.log.warn('pix read refused', { device: this.label, command, reply: hit.text });
    }
    throw new TransientError(
      `device ${this.label}: cannot read the configuration (show running-config, write terminal)`,
    );
  }

  describe(changes: readonly GroupChange[], basis: Observation): readonly string[] {
    const folded = this.folded(basis);
    return describePixLayout(layoutPixChanges(changes, folded), folded.facts.shimAddress);
  }

  private folded(basis: Observation): PixFolded {
    if (!isPixFacts(basis.facts)) throw new InternalError('the PIX driver was given a basis it did not observe');
    return { groups: basis.groups, facts: basis.facts };
  }

  async apply(
    changes: readonly GroupChange[],
    basis: Observation,
    opts: DriverApplyOptions = {},
  ): Promise<Observation> {
    const folded = this.folded(basis);
    const blocks = listPixBlocks(layoutPixChanges(changes, folded), folded.facts.shimAddress);
    const predicted = predictPixBasis(changes, folded);
    const after: Observation = { ...basis, groups: predicted.groups, facts: predicted.facts };
    if (blocks.length === 0) return after;
    const lists = blocks.map((b) => (b.members === undefined ? undefined : new MemberLines(b.members)));
    const total = blocks.reduce((n, b, i) => n + b.headWeight + (lists[i]?.total ?? 0), 0);
    this.ctx.log.info('pix apply start', { device: this.label, groups: blocks.length, memberChanges: total });
    await this.enterConfig();
    let done = 0;
    const progress = (n: number): void => opts.onProgress?.({ done: n, total });
    for (const [i, block] of blocks.entries()) {
      if (opts.signal?.aborted === true) {
        await this.leaveConfig();
        throw new DeviceApplyError(`device ${this.label}: interrupted`, block.head, undefined, done, true, true);
      }
      await sendConfigLine(this.lines, block.head, done);
      done += block.headWeight;
      const members = lists[i];
      if (members === undefined) {
        progress(done);
        continue;
      }
      // Never send member lines unless the device is in the group's sub-mode: a refused header would leave them at
      // the global level.
      const prompt = this.session.prompt;
      if (!GROUP_SUBMODE_PROMPT.test(prompt)) {
        await this.leaveConfig();
        const words = `the device stayed at "${prompt.trim()}"`;
        const message = `device ${this.label} did not enter the object-group sub-mode after "${block.head}": ${words}`;
        throw new DeviceApplyError(message, block.head, words, done, false);
      }
      const before = done;
      const result = await this.session.sendBatch(members, {
        rules: PIX_ERROR_RULES,
        window: this.tuning.batchWindow ?? DEFAULT_BATCH_WINDOW,
        expectPrompt: prompt,
        onConfirmed: (n) => progress(before + members.doneAfter(n)),
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      });
      done = before + members.doneAfter(result.confirmed);
      if (result.noticeCount > 0) {
        const first = result.notices[0];
        this.ctx.log.warn('pix replies to verify by reading back', {
          device: this.label,
          count: result.noticeCount,
          first: first === undefined ? undefined : `${first.command.trim()}: ${first.text}`,
        });
      }
      if (result.failure !== undefined) {
        await this.leaveConfig();
        throw batchFailureError(this.lines, result.failure, done);
      }
      await sendConfigLine(this.lines, 'exit', done);
    }
    await this.leaveConfig(done);
    progress(total);
    this.ctx.log.info('pix apply done', { device: this.label, memberChanges: total });
    return after;
  }

  /**
   * Back to privileged mode with `exit` (PIX 6 refuses `end`), one level at a time. After a success (`done` given)
   * a refusal or a lost session is an apply error; after a failure it is best effort.
   */
  private async leaveConfig(done?: number): Promise<void> {
    for (let level = 0; level < 3 && !this.session.isClosed && this.session.mode === 'config'; level++) {
      try {
        const seg = await this.session.send('exit', { timeoutMs: this.slowTimeoutMs });
        const hit = findDeviceError(seg.lines, PIX_ERROR_RULES);
        if (hit !== undefined && done !== undefined) {
          throw new DeviceApplyError(`device ${this.label} refused "exit": ${hit.text}`, 'exit', hit.text, done, false);
        }
      } catch (err) {
        if (done === undefined) return;
        if (err instanceof DeviceApplyError) throw err;
        throw new DeviceApplyError(`device ${this.label}: ${(err as Error).message}`, 'exit', undefined, done, true);
      }
    }
  }

  /** `configure terminal`, retried while another session holds configuration mode (§6 row 4). */
  private async enterConfig(): Promise<void> {
    const retries = this.cli.configLockRetries;
    for (let attempt = 0; ; attempt++) {
      const seg = await this.session.send('configure terminal').catch((err: Error) => {
        throw new DeviceApplyError(`device ${this.label}: ${err.message}`, 'configure terminal', undefined, 0, true);
      });
      const hit = findDeviceError(seg.lines, PIX_ERROR_RULES);
      if (hit === undefined && this.session.mode === 'config') return;
      const words = hit?.text ?? seg.lines.join(' ').trim();
      if (hit?.kind !== 'lock' || attempt >= retries) {
        const message = `device ${this.label}: cannot enter configuration mode: ${words}`;
        throw new DeviceApplyError(message, 'configure terminal', words, 0, hit?.kind === 'lock');
      }
      this.ctx.log.warn('pix config mode locked, retrying', { device: this.label, attempt: attempt + 1 });
      await new Promise((r) => setTimeout(r, this.cli.configLockRetryDelayMs * (attempt + 1)));
    }
  }

  async save(): Promise<void> {
    await writePixMemory(this.session, {
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
