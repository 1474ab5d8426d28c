// Global configuration mode. Known top-level commands only (see README.md); anything else is `% Invalid input`,
// as a router answers a command it does not have.

import type { CommandContext, Handler } from './command-context.js';
import type { GrammarNode, ParamSpec } from '../vty/grammar.js';
import { kw } from '../vty/grammar.js';
import type { GroupKind } from './object-group.js';

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
    const config = ctx.device.config;
    const existing = config.groups.get(name);
    const otherKind = existing ? existing.kind : config.verbatimGroupKind(name);
    if (isNo(ctx)) {
      if (otherKind === undefined) return; // removing an absent group is silent [I]
      if (otherKind !== kind) {
        ctx.print(`% Object group ${name} is not of type ${kind}`, '');
        return;
      }
      const user = config.groupReferences().get(name);
      if (user !== undefined) {
        ctx.print(`% Object group ${name} is in use by ${user} and cannot be removed`, '');
        return;
      }
      config.deleteGroup(name);
      return;
    }
    if (otherKind !== undefined && otherKind !== kind) {
      ctx.print(`% Object group ${name} already exists with a different type`, '');
      return;
    }
    if (!existing) config.createGroup(name, kind);
    ctx.mode = { kind: 'group', name, v6: kind === 'v6-network' };
  };
}

const accessList: Handler = (ctx) => {
  const name = ctx.args['name'] as string;
  const type = ctx.words.includes('standard') ? 'standard' : 'extended';
  const config = ctx.device.config;
  const existing = config.acls.get(name);
  if (isNo(ctx)) {
    config.deleteAcl(name);
    return;
  }
  if (existing && existing.type !== type) {
    ctx.print(`% A named ${existing.type} IP access list with this name already exists`, '');
    return;
  }
  if (!existing) config.createAcl(name, type);
  ctx.mode = { kind: 'acl', name, standard: type === 'standard' };
};

/** Numbered ACL lines stay verbatim text (single-spaced as typed); `no access-list N` removes the whole list. */
const numberedAccessList: Handler = (ctx) => {
  const number = Number(ctx.args['number']);
  const config = ctx.device.config;
  if (isNo(ctx)) {
    config.removeNumberedAcl(number);
    return;
  }
  const line = normalisedLine(ctx, 0);
  const same = (l: string): boolean => l.split(/\s+/).join(' ') === line;
  if (config.numberedAclLines().some(same)) return;
  config.addNumberedAclLine(number, line);
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
