// Configuration mode and the network group sub-mode: object groups and their members, access-list lines, pager,
// hostname, leaving with exit/quit (and `end` except on PIX 6, which refuses it [S: Netspoc-Approve PIX.pm]).

import { kw } from '../vty/grammar.js';
import type { GrammarNode, KeywordEdge } from '../vty/grammar.js';
import type { PixCall, PixHandler, PixMode } from './command-context.js';
import { execKeywords } from './exec-commands.js';
import * as msg from './messages.js';
import { parseMember } from './members.js';
import type { PixVariant } from './types.js';

type Node = GrammarNode<PixHandler>;

const NAME = { name: 'name', test: (t: string): boolean => /^[\w.-]{1,64}$/.test(t) };
const NUMBER = { name: 'n', test: (t: string): boolean => /^\d{1,3}$/.test(t) };

/** Leaving the group sub-mode ends its batch: what the ACE limit would remove from now on starts afresh. */
const toConfig = (c: PixCall): void => {
  c.mode = { kind: 'config' };
};
const toPriv = (c: PixCall): void => {
  c.mode = { kind: 'priv' };
};

const configure: PixHandler = (c) => {
  c.mode = { kind: 'config' };
};

function groupOf(mode: PixMode): Extract<PixMode, { kind: 'group' }> {
  if (mode.kind !== 'group') throw new Error('not in a group sub-mode');
  return mode;
}

const enterGroup: PixHandler = (c) => {
  const name = c.args['name'] as string;
  const other = c.device.config.otherGroups.get(name);
  if (other !== undefined) {
    c.console.print(msg.groupOtherKind(name, other));
    return;
  }
  const group = c.device.config.groups.get(name) ?? c.device.config.createGroup(name);
  c.mode = { kind: 'group', group, journal: [] };
};

const deleteGroup: PixHandler = (c) => {
  const name = c.args['name'] as string;
  const config = c.device.config;
  if (!config.groups.has(name)) c.console.print(msg.groupAbsent(name));
  else if (config.userOf(name) !== undefined) c.console.print(msg.groupInUse(name));
  else config.deleteGroup(name);
};

/** `network-object ...` and `no network-object ...`: the member words are checked here, not by the grammar. */
function memberChange(remove: boolean): PixHandler {
  return (c) => {
    const mode = groupOf(c.mode);
    const words = (c.args['member'] ?? '').split(/\s+/);
    const member = parseMember(words);
    if (!member.ok) {
      if (member.kind === 'pair') c.console.print(msg.ADDRESS_MASK_PAIR);
      else if (c.device.variant === 'pix6') c.console.print(...msg.USAGE_NETWORK_OBJECT);
      else c.invalidAtToken((remove ? 2 : 1) + member.badWord);
      return;
    }
    const { group, journal } = mode;
    const config = c.device.config;
    if (remove) {
      const line = group.lines.get(member.key);
      if (line === undefined) c.console.print(msg.ABSENT_MEMBER);
      else if (group.size === 1 && config.userOf(group.name) !== undefined)
        c.console.print(msg.lastMemberInUse(group.name));
      else {
        group.removeMember(member.key);
        journal.push({ op: 'remove', key: member.key, line });
        config.touch();
      }
      return;
    }
    const faults = c.device.faults;
    if (group.has(member.key) || (faults.objectExistsTimes ?? 0) > 0) {
      if (!group.has(member.key)) faults.objectExistsTimes = (faults.objectExistsTimes ?? 1) - 1;
      c.console.print(msg.duplicateMember(member.form, group.name));
      return;
    }
    group.addMember(member.key, member.form);
    journal.push({ op: 'add', key: member.key, line: null });
    config.touch();
    const limit = c.device.aclRuleMax();
    if (limit !== undefined && config.userOf(group.name) !== undefined && config.elements() > limit) {
      // FWSM: over the limit the whole batch is removed [S: FWSM 3.x guide OL-6392-01, cisco-protocol.md §7].
      for (const entry of journal.reverse()) {
        if (entry.op === 'add') group.removeMember(entry.key);
        else group.restoreMember(entry.key, entry.line);
      }
      journal.length = 0;
      c.console.print(msg.ACE_LIMIT);
    }
  };
}

const nested =
  (remove: boolean): PixHandler =>
  (c) => {
    const { group } = groupOf(c.mode);
    const name = c.args['name'] as string;
    if (!c.device.config.groups.has(name) || name === group.name) c.console.print(msg.nestedAbsent(name));
    else if (remove) group.removeNested(name);
    else group.addNested(name);
    c.device.config.touch();
  };

const description =
  (remove: boolean): PixHandler =>
  (c) => {
    groupOf(c.mode).group.setDescription(remove ? undefined : c.args['text']);
    c.device.config.touch();
  };

const setPager: PixHandler = (c) => {
  const lines = c.args['n'] === undefined ? 0 : Number(c.args['n']);
  c.device.config.setPager(lines);
  c.console.terminal.length = lines;
};

function leaveKeywords(variant: PixVariant, inGroup: boolean): KeywordEdge<PixHandler>[] {
  const out = inGroup ? toConfig : toPriv;
  const keywords = [kw('exit', { run: out }), kw('quit', { run: out })];
  if (variant !== 'pix6') keywords.push(kw('end', { run: toPriv }));
  return keywords;
}

export function buildConfigGrammar(variant: PixVariant): Node {
  const group: Node = { keywords: [kw('network', { param: { spec: NAME, next: { run: enterGroup } } })] };
  const noGroup: Node = { keywords: [kw('network', { param: { spec: NAME, next: { run: deleteGroup } } })] };
  const pagerLines: Node = { keywords: [kw('lines', { param: { spec: NUMBER, next: { run: setPager } } })] };
  const aclRest = (remove: boolean): Node => ({
    rest: {
      name: 'text',
      next: {
        run: (c) => {
          const line = `access-list ${c.args['text']}`;
          if (remove) c.device.config.removeAclLine(line);
          else c.device.config.addAclLine(line);
        },
      },
    },
  });
  const exec = execKeywords(variant, true).filter((k) => !['exit', 'quit', 'logout'].includes(k.word));
  return {
    keywords: [
      ...exec,
      ...leaveKeywords(variant, false),
      kw('hostname', {
        param: { spec: NAME, next: { run: (c) => c.device.config.setHostname(c.args['name'] as string) } },
      }),
      kw('object-group', group),
      kw('access-list', aclRest(false)),
      kw('pager', pagerLines),
      kw('no', {
        keywords: [kw('object-group', noGroup), kw('access-list', aclRest(true)), kw('pager', { run: setPager })],
      }),
    ],
  };
}

export function buildGroupGrammar(variant: PixVariant): Node {
  const member = (remove: boolean): Node => ({ rest: { name: 'member', next: { run: memberChange(remove) } } });
  const nestedNode = (remove: boolean): Node => ({ param: { spec: NAME, next: { run: nested(remove) } } });
  return {
    keywords: [
      ...leaveKeywords(variant, true),
      kw('network-object', member(false)),
      kw('group-object', nestedNode(false)),
      kw('description', { rest: { name: 'text', next: { run: description(false) } } }),
      kw('no', {
        keywords: [
          kw('network-object', member(true)),
          kw('group-object', nestedNode(true)),
          kw('description', { run: description(true), rest: { name: 'text', next: { run: description(true) } } }),
        ],
      }),
    ],
  };
}

export const configureKeyword = kw<PixHandler>('configure', { keywords: [kw('terminal', { run: configure })] });
