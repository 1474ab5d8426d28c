// The Cisco ASA driver (CLI over SSH): a thin session around pure parse, layout and render.
// Connect -> enable -> `terminal pager 0`; observe reads `show running-config object-group network` and
// `show running-config access-list` (streamed into the parser) and the failover role; apply, inside
// `configure terminal` (answering the first-use reporting question) ... `end`, with `terminal width 511` set in
// config mode, sends each group block's header alone, confirms the sub-mode prompt, then its lines in batched
// windows; replies that are facts (`object already exists`) are verified by reading back; save runs write memory.

import { exactEquals } from '../../cidr/index.js';
import { TransientError } from '../../errors.js';
import type { GroupChange } from '../../plan/model.js';
import { DeviceApplyError } from '../driver.js';
import { batchFailureError, sendConfigLine } from '../shared/config-lines.js';
import type { ConfigLineContext } from '../shared/config-lines.js';
import type { Driver, DriverApplyOptions, DriverContext, GroupRef, Observation } from '../driver.js';
import { findDeviceError } from '../shared/cli-text.js';
import { openCliSession } from '../shared/cli-login.js';
import { saveWithRetry } from '../shared/save-config.js';
import { readCliOptions, type CliOptions } from '../shared/cli-settings.js';
import { DEFAULT_BATCH_WINDOW, type CliAnswer, type CliSession } from '../shared/ssh-session.js';
import { asaFactsOf, describeOps, planAsaApply, type AsaFacts, type AsaGroupFacts } from './apply-plan.js';
import { ASA_ERROR_RULES, judgeWriteMemory } from './error-rules.js';
import { foldNestedGroup, memberForms } from './observe.js';
import { readAsaOptions, type AsaOptions } from './options.js';
import { parseAsaPrompt, parseShowFailover } from '../shared/asa-failover.js';
import { AsaConfigParser } from './parse.js';
import { groupUsers } from '../shared/asa-acl-usage.js';
import { listGroupBlocks } from './render.js';
import { prefixesFromStrings } from '../../cidr/index.js';

export interface AsaDriverTuning {
  /** Lines in flight per batch window. */
  readonly batchWindow?: number;
  /** The platform's options; default: read from the device's fields. */
  readonly options?: AsaOptions;
}

const ASA_LOGIN = {
  platform: 'asa',
  defaultPasswordPrompt: '^[Pp]assword: ?$',
  enableRefused: /Invalid password|Access denied|authentication failed|% ?Bad secrets?/i,
  // Refusal only warns: `<--- More --->` is answered anyway.
  setup: ['terminal pager 0'],
  errorRules: ASA_ERROR_RULES,
} as const;

/** The group sub-mode: `(config-network-object-group)#` (8.3+), `(config-network)#` (7.x-8.2, PIX) [§2]. */
const GROUP_SUBMODE_PROMPT = /\(config-network(?:-object-group)?\)#\s*$/;
/** First `configure terminal` on a fresh 9.x box [§2]. */
const REPORTING_QUESTION = /\[Y\]es, \[N\]o, \[A\]sk later:?\s*$/;
const KILL_SESSION_QUESTION = /kill that session and continue.*[?:]\s*$/i;

export async function createAsaDriver(ctx: DriverContext, tuning: AsaDriverTuning = {}): Promise<Driver> {
  const options = tuning.options ?? readAsaOptions(ctx.spec.options);
  return new AsaDriver(ctx, await openCliSession(ctx, ASA_LOGIN), options, tuning.batchWindow ?? DEFAULT_BATCH_WINDOW);
}

class AsaDriver implements Driver {
  /** The apply-time wording's context (shared/config-lines.ts): this platform's rules and advice. */
  private get lines(): ConfigLineContext {
    return {
      session: this.session,
      label: this.label,
      platform: 'asa',
      rules: ASA_ERROR_RULES,
      log: this.ctx.log,
      leave: () => this.leaveConfig(),
    };
  }

  private widthSet = false;
  private readonly cli: CliOptions;

  constructor(
    private readonly ctx: DriverContext,
    private readonly session: CliSession,
    private readonly options: AsaOptions,
    private readonly batchWindow: number,
  ) {
    this.cli = readCliOptions(ctx.spec.options);
  }

  private get label(): string {
    return this.ctx.spec.name;
  }

  private get slowTimeoutMs(): number {
    return Math.max(4 * this.ctx.spec.advanced.commandTimeoutMs, 60_000);
  }

  async observe(refs: readonly GroupRef[]): Promise<Observation> {
    const parser = new AsaConfigParser();
    for (const cmd of ['show running-config object-group network', 'show running-config access-list']) {
      const seg = await this.session.send(cmd, { onLine: (l) => parser.pushLine(l) });
      const hit = findDeviceError(seg.lines, ASA_ERROR_RULES);
      if (hit) throw new TransientError(`device ${this.label}: cannot read "${cmd}": ${hit.text}`);
    }
    const config = parser.finish();
    const users = groupUsers(config);
    const shim = prefixesFromStrings([`${this.options.shimAddress}/32`]);
    const groups = new Map<string, AsaGroupFacts>();
    const observed = refs.map((ref) => {
      const f = foldNestedGroup(config, ref, shim, users);
      groups.set(ref.name, { layout: f.layout, inUse: f.inUse });
      return f.observed;
    });
    const facts: AsaFacts = { kind: 'asa', groups, ...memberForms(config) };
    const haRole = await this.readHaRole();
    this.ctx.log.info('asa observed', { device: this.label, groups: observed.length, haRole: haRole ?? 'standalone' });
    return haRole === undefined ? { groups: observed, facts } : { groups: observed, facts, haRole };
  }

  /** From the prompt (`fw/pri/act#`) when it shows the state, else `show failover` (off: standalone). */
  private async readHaRole(): Promise<'active' | 'standby' | undefined> {
    const fromPrompt = parseAsaPrompt(this.session.prompt)?.haRole;
    if (fromPrompt !== undefined) return fromPrompt;
    const seg = await this.session.send('show failover');
    if (findDeviceError(seg.lines, ASA_ERROR_RULES) !== undefined) return undefined;
    const status = parseShowFailover(seg.lines.join('\n'));
    if (status.enabled && status.haRole === undefined) {
      throw new TransientError(
        `device ${this.label}: failover is on but this unit is neither active nor standby (${status.state ?? 'no state shown'})`,
        'wait for the pair to settle; active/active failover is not supported',
      );
    }
    return status.haRole;
  }

  describe(changes: readonly GroupChange[], basis: Observation): readonly string[] {
    return describeOps(planAsaApply(changes, basis, this.options).ops, basis, this.options);
  }

  async apply(
    changes: readonly GroupChange[],
    basis: Observation,
    opts: DriverApplyOptions = {},
  ): Promise<Observation> {
    if (basis.haRole === 'standby') {
      throw new DeviceApplyError(
        `device ${this.label}: this unit is the failover standby; configuration goes to the active unit only`,
        undefined,
        undefined,
        0,
        false,
      );
    }
    const facts = asaFactsOf(basis);
    const plan = planAsaApply(changes, basis, this.options);
    const blocks = listGroupBlocks(plan.ops, facts);
    if (blocks.length === 0) return plan.after;
    const total = blocks.reduce((n, b) => n + b.headWeight + (b.body?.total ?? 0), 0);
    this.ctx.log.info('asa apply start', { device: this.label, blocks: blocks.length, memberChanges: total });
    await this.enterConfig();
    let done = 0;
    let notices = 0;
    let firstNotice = '';
    const progress = (n: number): void => opts.onProgress?.({ done: n, total });
    for (const block of blocks) {
      if (opts.signal?.aborted === true) {
        await this.leaveConfig();
        throw new DeviceApplyError(`device ${this.label}: interrupted`, block.head, undefined, done, true, true);
      }
      await sendConfigLine(this.lines, block.head, done);
      done += block.headWeight;
      const body = block.body;
      if (body === undefined) {
        progress(done);
        continue;
      }
      // Member lines only inside the group's sub-mode: a refused header must never let them run globally.
      const prompt = this.session.prompt;
      if (!GROUP_SUBMODE_PROMPT.test(prompt)) {
        await this.leaveConfig();
        const words = `the device stayed at "${prompt.trim()}"`;
        throw new DeviceApplyError(
          `device ${this.label} did not enter the group sub-mode after "${block.head}": ${words}`,
          block.head,
          words,
          done,
          false,
        );
      }
      const before = done;
      const result = await this.session.sendBatch(body, {
        rules: ASA_ERROR_RULES,
        window: this.batchWindow,
        expectPrompt: prompt,
        onConfirmed: (n) => progress(before + body.doneAfter(n)),
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      });
      done = before + body.doneAfter(result.confirmed);
      notices += result.noticeCount;
      firstNotice ||= result.notices[0]?.text ?? '';
      if (result.failure !== undefined) {
        await this.leaveConfig();
        throw batchFailureError(this.lines, result.failure, done);
      }
      await sendConfigLine(this.lines, 'exit', done);
    }
    const end = await this.session.send('end', { timeoutMs: this.slowTimeoutMs }).catch((err: Error) => {
      throw new DeviceApplyError(`device ${this.label}: ${err.message}`, 'end', undefined, done, true);
    });
    const hit = findDeviceError(end.lines, ASA_ERROR_RULES);
    if (hit)
      throw new DeviceApplyError(`device ${this.label} refused "end": ${hit.text}`, 'end', hit.text, done, false);
    progress(total);
    if (notices > 0) return this.verifyByReading(plan.after, notices, firstNotice, done);
    this.ctx.log.info('asa apply done', { device: this.label, memberChanges: total });
    return plan.after;
  }

  /**
   * The device answered some lines with a fact (`...failed; object already exists`, `obj does not exist in this
   * group`): the groups on the device decide. Equal to the prediction: the fresh read is the next basis.
   */
  private async verifyByReading(predicted: Observation, n: number, first: string, done: number): Promise<Observation> {
    const fresh = await this.observe(predicted.groups.map((g) => ({ name: g.name, role: g.role })));
    for (const want of predicted.groups) {
      const got = fresh.groups.find((g) => g.name === want.name);
      if (got !== undefined && got.exists === want.exists && exactEquals(got.members, want.members)) continue;
      throw new DeviceApplyError(
        `device ${this.label}: ${n} replies like "${first}", and group ${want.name} read back differs from the plan`,
        undefined,
        first,
        done,
        false,
      );
    }
    this.ctx.log.warn('asa replies verified by read-back', { device: this.label, replies: n, first });
    return fresh;
  }

  private async leaveConfig(): Promise<void> {
    if (!this.session.isClosed) await this.session.send('end').catch(() => undefined);
  }

  /**
   * `configure terminal`: the first-use reporting question is answered N; another session's configuration is
   * killed only with advanced.configSession: kill, else tscm backs off and retries, then names the holder.
   */
  private async enterConfig(): Promise<void> {
    const kill = this.options.configSession === 'kill';
    let held = false;
    const answers: CliAnswer[] = [
      { re: REPORTING_QUESTION, reply: () => 'N' },
      {
        re: KILL_SESSION_QUESTION,
        reply: () => {
          held = true;
          return kill ? 'y' : 'n';
        },
      },
    ];
    const retries = this.cli.configLockRetries;
    for (let attempt = 0; ; attempt++) {
      held = false;
      const seg = await this.session.send('configure terminal', { answers }).catch((err: Error) => {
        throw new DeviceApplyError(`device ${this.label}: ${err.message}`, 'configure terminal', undefined, 0, true);
      });
      const hit = findDeviceError(seg.lines, ASA_ERROR_RULES);
      if (hit === undefined && this.session.mode === 'config') break;
      // The question's line is consumed by the answer: what is left of it is no reason, so the reason is named.
      const words =
        hit?.text ??
        (held
          ? 'another session holds the configuration (asked "kill that session and continue?", answered no); retry once it is released, or set advanced.configSession: kill'
          : seg.lines.join(' ').trim() || 'configuration mode refused');
      const busy = hit === undefined || hit.kind === 'lock';
      if (!busy || attempt >= retries) {
        throw new DeviceApplyError(
          `device ${this.label}: cannot enter configuration mode: ${words}`,
          'configure terminal',
          held && hit === undefined ? 'Do you want to kill that session and continue? [yes/no]' : words,
          0,
          busy,
        );
      }
      this.ctx.log.warn('asa configuration held by another session, retrying', { device: this.label, attempt });
      await new Promise((r) => setTimeout(r, this.cli.configLockRetryDelayMs * (attempt + 1)));
    }
    if (this.widthSet) return;
    // Echoes longer than the terminal are redrawn with `$` markers (§6 row 1): widen once per session.
    const seg = await this.session.send('terminal width 511');
    if (findDeviceError(seg.lines, ASA_ERROR_RULES))
      this.ctx.log.warn('terminal width refused', { device: this.label });
    this.widthSet = true;
  }

  async save(): Promise<void> {
    await saveWithRetry(this.session, {
      deviceLabel: this.label,
      command: 'write memory',
      judge: judgeWriteMemory,
      answers: [{ re: /\[confirm\]\s*$/, reply: () => '' }],
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
