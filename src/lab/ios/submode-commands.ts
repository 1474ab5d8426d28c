// Sub-modes of configuration: `object-group network|v6-network NAME` and `ip access-list extended|standard NAME`.

import type { AccessList } from './access-list.js';
import type { CommandContext, Handler } from './command-context.js';
import { commonConfigKeywords } from './config-commands.js';
import type { GrammarNode, ParamSpec } from '../vty/grammar.js';
import { kw, tokenizeLine } from '../vty/grammar.js';
import { normaliseV4Member, normaliseV6Member } from './members.js';
import type { MemberResult } from './members.js';
import type { ObjectGroup } from './object-group.js';

const V4_ADDRESS: ParamSpec = { name: 'address', test: (t) => /^[\d.]+(\/\d*)?$/.test(t) };
const V6_ADDRESS: ParamSpec = { name: 'address', test: (t) => /^[0-9a-fA-F.]*:[0-9a-fA-F:.]*(\/\d*)?$/.test(t) };
const ANY_WORD = (name: string): ParamSpec => ({ name, test: () => true });

/** The group the session is editing; recreated if another session deleted it meanwhile. */
function currentGroup(ctx: CommandContext): ObjectGroup | undefined {
  if (ctx.mode.kind !== 'group') return undefined;
  const config = ctx.device.config;
  return config.groups.get(ctx.mode.name) ?? config.createGroup(ctx.mode.name, ctx.mode.v6 ? 'v6-network' : 'network');
}

function report(ctx: CommandContext, result: MemberResult & { ok: false }, firstToken: number): void {
  if (result.error === 'invalid') ctx.invalidAtToken(firstToken + result.badWord);
  else if (result.error === 'incomplete') ctx.print('% Incomplete command.', '');
  else ctx.print(result.error, '');
}

/** host / range / any / ADDRESS [MASK] members, with or without `no` (absent or duplicate: silent [?]). */
const member: Handler = (ctx) => {
  const group = currentGroup(ctx);
  if (!group) return;
  const negated = ctx.words[0] === 'no';
  const first = negated ? 1 : 0;
  const words = tokenizeLine(ctx.line)
    .slice(first)
    .map((t) => t.text);
  // Keywords may be abbreviated (`ho 1.2.3.4`): hand the normaliser the full word.
  const keyword = ctx.words[first];
  if (keyword !== undefined) words[0] = keyword;
  const result = group.kind === 'network' ? normaliseV4Member(words) : normaliseV6Member(words);
  if (!result.ok) {
    report(ctx, result, first);
    return;
  }
  if (negated) group.remove(result.line);
  else group.add(result.line);
};

const groupObject: Handler = (ctx) => {
  const group = currentGroup(ctx);
  if (!group) return;
  const name = ctx.args['child'] as string;
  const line = `group-object ${name}`;
  if (ctx.words[0] === 'no') {
    group.remove(line);
    return;
  }
  const child = ctx.device.config.groups.get(name);
  if (!child) ctx.print(`% Object group ${name} does not exist`, '');
  else if (child.kind !== group.kind) ctx.print(`% Object group ${name} is not of type ${group.kind}`, '');
  else if (child === group) ctx.print('% An object group cannot include itself', '');
  else group.add(line);
};

const description: Handler = (ctx) => {
  const group = currentGroup(ctx);
  if (!group) return;
  group.setDescription(ctx.words[0] === 'no' ? undefined : ctx.args['text']);
};

function groupKeywords(v6: boolean, negated: boolean): ReturnType<typeof kw<Handler>>[] {
  const one = (name: string): GrammarNode<Handler> => ({ param: { spec: ANY_WORD(name), next: { run: member } } });
  const keywords = [
    kw('any', { run: member }),
    kw('group-object', { param: { spec: ANY_WORD('child'), next: { run: groupObject } } }),
    kw('host', one('a')),
    kw(
      'description',
      negated
        ? { run: description, rest: { name: 'text', next: { run: description } } }
        : { rest: { name: 'text', next: { run: description } } },
    ),
  ];
  if (!v6) keywords.push(kw('range', { param: { spec: ANY_WORD('a'), next: one('b') } }));
  return keywords;
}

export function buildGroupGrammar(v6: boolean): GrammarNode<Handler> {
  const address: GrammarNode<Handler> = v6
    ? { run: member, param: { spec: ANY_WORD('extra'), next: { run: member } } }
    : { run: member, param: { spec: ANY_WORD('mask'), next: { run: member } } };
  const spec = v6 ? V6_ADDRESS : V4_ADDRESS;
  return {
    keywords: [
      ...groupKeywords(v6, false),
      kw('no', { keywords: groupKeywords(v6, true), param: { spec, next: address } }),
      ...commonConfigKeywords(),
    ],
    param: { spec, next: address },
  };
}

function currentAcl(ctx: CommandContext): AccessList | undefined {
  if (ctx.mode.kind !== 'acl') return undefined;
  const config = ctx.device.config;
  return config.acls.get(ctx.mode.name) ?? config.createAcl(ctx.mode.name, ctx.mode.standard ? 'standard' : 'extended');
}

/** `[seq] permit|deny|remark ...`: kept as text, normalised to single spaces. */
const aclEntry: Handler = (ctx) => {
  const acl = currentAcl(ctx);
  if (!acl) return;
  const text = `${ctx.words[ctx.words[0] === 'no' ? 1 : 0]} ${(ctx.args['entry'] ?? '').split(/\s+/).join(' ')}`;
  const seqText = ctx.args['seq'];
  if (ctx.words[0] === 'no') {
    acl.remove((e) => e.text === text);
    return;
  }
  const outcome = acl.add(text, seqText === undefined ? undefined : Number(seqText));
  if (outcome === 'duplicate-seq') ctx.print('% Duplicate sequence number', '');
};

const removeSeq: Handler = (ctx) => {
  const acl = currentAcl(ctx);
  if (!acl) return;
  acl.remove((e) => e.seq === Number(ctx.args['seq']));
};

export function buildAclGrammar(): GrammarNode<Handler> {
  const entry: GrammarNode<Handler> = { rest: { name: 'entry', next: { run: aclEntry } } };
  const actions = [kw('deny', entry), kw('permit', entry), kw('remark', entry)];
  const seq: ParamSpec = { name: 'seq', test: (t) => /^\d+$/.test(t) && Number(t) <= 2147483647 };
  return {
    keywords: [
      ...actions,
      kw('no', { keywords: actions, param: { spec: seq, next: { run: removeSeq } } }),
      ...commonConfigKeywords(),
    ],
    param: { spec: seq, next: { keywords: actions } },
  };
}
