// Global configuration and the network object-group sub-mode (spec §2, §7): object-groups and their members,
// nesting, access-lists and access-groups as whole lines, hostname, terminal width/pager, and the save commands.
// Other configuration cannot be changed (`ERROR: % Invalid input`); boot lines for it are kept verbatim.

import { kw } from '../vty/grammar.js';
import type { GrammarNode, ParamSpec } from '../vty/grammar.js';
import { isNo } from './command-context.js';
import type { AsaContext, AsaHandler } from './command-context.js';
import { saveCommands, terminalNode } from './exec-commands.js';
import { isObjectName, parseMember } from './members.js';
import {
  addGroupObject,
  addNetworkObject,
  openGroup,
  removeGroup,
  removeGroupObject,
  removeNetworkObject,
} from './group-edits.js';
import { messages } from './messages.js';
import { buildShowGrammar } from './show-commands.js';

const GROUP_NAME: ParamSpec = { name: 'name', test: isObjectName };
const REST = (next: GrammarNode<AsaHandler>): GrammarNode<AsaHandler> => ({ rest: { name: 'rest', next } });

const objectGroup: AsaHandler = (ctx) => {
  const name = ctx.args['name'] as string;
  const config = ctx.device.config;
  if (isNo(ctx)) {
    const refused = removeGroup(config, name);
    if (refused) ctx.print(refused);
    return;
  }
  const group = openGroup(config, name);
  if (typeof group === 'string') {
    ctx.print(group);
    return;
  }
  ctx.mode = { kind: 'group', name };
};

function currentGroup(ctx: AsaContext): string {
  return ctx.mode.kind === 'group' ? ctx.mode.name : '';
}

const networkObject: AsaHandler = (ctx) => {
  const config = ctx.device.config;
  const group = config.groups.get(currentGroup(ctx));
  if (!group) return;
  const offset = isNo(ctx) ? 2 : 1;
  const parsed = parseMember((ctx.args['rest'] as string).split(/\s+/));
  if (!parsed.ok) {
    if (parsed.message) ctx.print(parsed.message);
    else if (parsed.word < 0) ctx.print('ERROR: % Incomplete command');
    else ctx.invalidAtToken(offset + parsed.word);
    return;
  }
  const refused = isNo(ctx)
    ? removeNetworkObject(config, group, parsed)
    : addNetworkObject(config, group, parsed, ctx.unit.faults.elementLimit);
  if (refused) ctx.print(refused);
};

const groupObject: AsaHandler = (ctx) => {
  const config = ctx.device.config;
  const group = config.groups.get(currentGroup(ctx));
  if (!group) return;
  const child = ctx.args['name'] as string;
  const refused = isNo(ctx) ? removeGroupObject(config, group, child) : addGroupObject(config, group, child);
  if (refused) ctx.print(refused);
};

const description: AsaHandler = (ctx) => {
  const group = ctx.device.config.groups.get(currentGroup(ctx));
  group?.setDescription(isNo(ctx) ? undefined : (ctx.args['rest'] as string));
};

/** `access-list NAME ...` and `access-group ...`: whole lines; a referenced object-group must exist (§6 row 13). */
const accessList: AsaHandler = (ctx) => {
  const config = ctx.device.config;
  const name = ctx.args['name'] as string;
  const line = `access-list ${name} ${ctx.args['rest'] as string}`;
  if (isNo(ctx)) {
    if (!config.removeLine(line)) ctx.print(`ERROR: access-list <${name}> does not exist`);
    return;
  }
  const words = line.split(/\s+/);
  for (let i = 0; i < words.length - 1; i++) {
    const group = words[i + 1] as string;
    if (words[i] === 'object-group' && !config.objectGroupBlocks((_k, g) => g === group, false).length) {
      ctx.print(messages.groupNotFound(group));
      return;
    }
  }
  if (config.hasLine(line)) {
    ctx.print('WARNING: ACE not added. Possible duplicate entry');
    return;
  }
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  config.addLine(line, [new RegExp(`^access-list ${escaped} `), /^access-list /]);
};

const accessGroup: AsaHandler = (ctx) => {
  const config = ctx.device.config;
  const line = `access-group ${ctx.args['rest'] as string}`;
  if (isNo(ctx)) config.removeLine(line);
  else if (!config.hasLine(line)) config.addLine(line, [/^access-group /, /^access-list /]);
};

const hostname: AsaHandler = (ctx) => ctx.device.config.setHostname(ctx.args['name'] as string);

const end: AsaHandler = (ctx) => {
  ctx.mode = { kind: 'priv' };
};
const exitMode: AsaHandler = (ctx) => {
  ctx.mode = ctx.mode.kind === 'group' ? { kind: 'config' } : { kind: 'priv' };
};

function groupHeader(): GrammarNode<AsaHandler> {
  return { keywords: [kw('network', { param: { spec: GROUP_NAME, next: { run: objectGroup } } })] };
}

const ACL_NAME: ParamSpec = { name: 'name', test: isObjectName };

export function buildConfigGrammar(): GrammarNode<AsaHandler> {
  const noNode: GrammarNode<AsaHandler> = {
    keywords: [
      kw('object-group', groupHeader()),
      kw('access-list', { param: { spec: ACL_NAME, next: REST({ run: accessList }) } }),
      kw('access-group', REST({ run: accessGroup })),
    ],
  };
  return {
    keywords: [
      kw('access-group', REST({ run: accessGroup })),
      kw('access-list', { param: { spec: ACL_NAME, next: REST({ run: accessList }) } }),
      kw('end', { run: end }),
      kw('exit', { run: exitMode }),
      kw('hostname', { param: { spec: GROUP_NAME, next: { run: hostname } } }),
      kw('no', noNode),
      kw('object-group', groupHeader()),
      kw('show', buildShowGrammar(true)),
      kw('terminal', terminalNode(true)),
      ...saveCommands(),
    ],
  };
}

export function buildGroupGrammar(): GrammarNode<AsaHandler> {
  const member = REST({ run: networkObject });
  const child: GrammarNode<AsaHandler> = { param: { spec: GROUP_NAME, next: { run: groupObject } } };
  return {
    keywords: [
      kw('description', REST({ run: description })),
      kw('end', { run: end }),
      kw('exit', { run: exitMode }),
      kw('group-object', child),
      kw('network-object', member),
      // Exec-style commands run in every configuration mode without leaving it.
      kw('show', buildShowGrammar(true)),
      kw('terminal', terminalNode(true)),
      ...saveCommands(),
      kw('no', {
        keywords: [
          kw('description', { run: description, ...REST({ run: description }) }),
          kw('group-object', child),
          kw('network-object', member),
        ],
      }),
    ],
  };
}
