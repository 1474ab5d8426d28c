// Global configuration mode. Known top-level commands only (see README.md); anything else is `% Invalid input`,
// as a router answers a command it does not have.

import type { CommandContext, Handler } from './command-context.js';
import type { GrammarNode, ParamSpec } from './grammar.js';
import { kw } from './grammar.js';
import { createGroup } from './object-groups.js';
import type { GroupKind } from './object-groups.js';

const ANY: ParamSpec = { name: 'name', test: () => true };
const WORD: ParamSpec = { name: 'word', test: () => true };
const ACL_NUMBER: ParamSpec = { name: 'number', test: (t) => /^\d+$/.test(t) && Number(t) >= 1 && Number(t) <= 2699 };

/** The command's text with single spaces, as IOS stores a line it keeps verbatim. */
function normalisedLine(ctx: CommandContext, fromToken: number): string {
  return ctx.line.trim().split(/\s+/).slice(fromToken).join(' ');
}

const isNo = (ctx: CommandContext): boolean => ctx.words[0] === 'no';

const hostname: Handler = (ctx) => {
  if (isNo(ctx)) ctx.device.config.setHostname('Router');
  else ctx.device.config.setHostname(ctx.args['name'] as string);
};

function objectGroup(kind: GroupKind): Handler {
  return (ctx) => {
    const name = ctx.args['name'] as string;
    const groups = ctx.device.config.groups;
    const existing = groups.get(name);
    if (isNo(ctx)) {
      if (!existing) return; // removing an absent group is silent [I]
      if (existing.kind !== kind) {
        ctx.print(`% Object group ${name} is not of type ${kind}`, '');
        return;
      }
      const user = ctx.device.config.groupReferences().get(name);
      if (user !== undefined) {
        ctx.print(`% Object group ${name} is in use by ${user} and cannot be removed`, '');
        return;
      }
      groups.delete(name);
      return;
    }
    if (existing && existing.kind !== kind) {
      ctx.print(`% Object group ${name} already exists with a different type`, '');
      return;
    }
    if (!existing) groups.set(name, createGroup(name, kind));
    ctx.mode = { kind: 'group', name, v6: kind === 'v6-network' };
  };
}

const accessList: Handler = (ctx) => {
  const name = ctx.args['name'] as string;
  const type = ctx.words.includes('standard') ? 'standard' : 'extended';
  const acls = ctx.device.config.acls;
  const existing = acls.get(name);
  if (isNo(ctx)) {
    acls.delete(name);
    return;
  }
  if (existing && existing.type !== type) {
    ctx.print(`% A named ${existing.type} IP access list with this name already exists`, '');
    return;
  }
  if (!existing) acls.set(name, { name, type, entries: [] });
  ctx.mode = { kind: 'acl', name, standard: type === 'standard' };
};

/** Numbered ACL lines stay verbatim text; new lines go after the same list's last line. */
const numberedAccessList: Handler = (ctx) => {
  const number = ctx.args['number'] as string;
  const blocks = ctx.device.config.blocks;
  const sameList = (i: number): boolean => {
    const block = blocks[i];
    return block?.kind === 'text' && (block.lines[0] ?? '').startsWith(`access-list ${number} `);
  };
  if (isNo(ctx)) {
    for (let i = blocks.length - 1; i >= 0; i--) if (sameList(i)) blocks.splice(i, 1);
    return;
  }
  const line = normalisedLine(ctx, 0);
  let last = -1;
  for (let i = 0; i < blocks.length; i++) {
    if (sameList(i)) last = i;
    const block = blocks[i];
    if (block?.kind === 'text' && block.lines[0] === line) return;
  }
  if (last >= 0) blocks.splice(last + 1, 0, { kind: 'text', lines: [line] });
  else ctx.device.config.insertBeforeTail({ kind: 'text', lines: [line] });
};

const compressConfig: Handler = (ctx) => ctx.device.config.setCompressConfig(!isNo(ctx));

/** `logging ...` / `service ...` lines kept verbatim: `no X` removes X, or is itself kept when X was absent. */
const verbatim: Handler = (ctx) => {
  const config = ctx.device.config;
  const negated = isNo(ctx);
  const positive = normalisedLine(ctx, negated ? 1 : 0);
  const after = new RegExp(`^(no )?${ctx.words[negated ? 1 : 0] ?? ''} `);
  if (negated) {
    if (!config.removeTopLevelLine(positive) && !config.hasTopLevelLine(`no ${positive}`)) {
      config.addTopLevelLine(`no ${positive}`, after);
    }
    return;
  }
  config.removeTopLevelLine(`no ${positive}`);
  if (!config.hasTopLevelLine(positive)) config.addTopLevelLine(positive, after);
};

const end: Handler = (ctx) => ctx.leaveConfig();
const exitConfig: Handler = (ctx) => {
  if (ctx.mode.kind === 'config') ctx.leaveConfig();
  else ctx.mode = { kind: 'config' };
};
const doExec: Handler = (ctx) => {
  const rest = ctx.args['command'] as string;
  ctx.runExec(rest, ctx.line.indexOf(rest));
};

/** `end`, `exit` and `do`, valid in every configuration mode. */
export function commonConfigKeywords(): ReturnType<typeof kw<Handler>>[] {
  return [
    kw('do', { rest: { name: 'command', next: { run: doExec } } }),
    kw('end', { run: end }),
    kw('exit', { run: exitConfig }),
  ];
}

function groupOrAclTree(negated: boolean): GrammarNode<Handler>[] {
  const groupName = (kind: GroupKind): GrammarNode<Handler> => ({
    param: { spec: ANY, next: { run: objectGroup(kind) } },
  });
  const aclName: GrammarNode<Handler> = { param: { spec: ANY, next: { run: accessList } } };
  const verbatimTail: GrammarNode<Handler> = { run: verbatim, rest: { name: 'more', next: { run: verbatim } } };
  return [
    { keywords: [kw('network', groupName('network')), kw('v6-network', groupName('v6-network'))] },
    { keywords: [kw('access-list', { keywords: [kw('extended', aclName), kw('standard', aclName)] })] },
    {
      param: {
        spec: ACL_NUMBER,
        next: negated ? { run: numberedAccessList } : { rest: { name: 'entry', next: { run: numberedAccessList } } },
      },
    },
    { keywords: [kw('compress-config', { run: compressConfig })], param: { spec: WORD, next: verbatimTail } },
    { param: { spec: WORD, next: verbatimTail } },
    { param: { spec: ANY, next: { run: hostname } } },
  ];
}

export function buildGlobalConfigGrammar(): GrammarNode<Handler> {
  const build = (negated: boolean): ReturnType<typeof kw<Handler>>[] => {
    const [group, ip, numbered, service, logging, host] = groupOrAclTree(negated) as [
      GrammarNode<Handler>,
      GrammarNode<Handler>,
      GrammarNode<Handler>,
      GrammarNode<Handler>,
      GrammarNode<Handler>,
      GrammarNode<Handler>,
    ];
    return [
      kw('access-list', numbered),
      kw('hostname', negated ? { run: hostname } : host),
      kw('ip', ip),
      kw('logging', logging),
      kw('object-group', group),
      kw('service', service),
    ];
  };
  return {
    keywords: [...build(false), kw('no', { keywords: build(true) }), ...commonConfigKeywords()],
  };
}
