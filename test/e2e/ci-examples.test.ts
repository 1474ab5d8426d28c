// examples/ci/ held to the real CLI: both CI files parse, every `tscm` command in them names a subcommand and
// options the built CLI has, the jobs hand the saved plan from plan to apply, the example definitions validate with
// the git state backend; and the comment script, run against a GitHub-like and a GitLab-like API on loopback, finds
// the marker `tscm plan --markdown` prints: it posts one comment, then updates that one and no other.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runTscm } from '../helpers/cli.js';
import { invocationProblems, tscmInvocations, type Invocation } from '../helpers/shell-commands.js';

const EXAMPLES = path.resolve(import.meta.dirname, '../../examples/ci');
const SCRIPT = path.join(EXAMPLES, 'scripts/post-plan-comment.mjs');
const readYaml = (file: string) => parse(readFileSync(path.join(EXAMPLES, file), 'utf8'), { strict: true });

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface GithubJob {
  if?: string;
  needs?: string | string[];
  steps: Step[];
  permissions?: Record<string, string>;
}
const github = readYaml('.github/workflows/tscm.yaml') as {
  on: Record<string, unknown>;
  jobs: Record<string, GithubJob>;
};
const gitlab = readYaml('.gitlab-ci.yml') as Record<string, unknown>;
const gitlabJobs = Object.entries(gitlab).filter(
  ([name, v]) => !['workflow', 'default', 'variables', 'stages'].includes(name) && typeof v === 'object',
) as [string, { script: string[]; rules?: { if: string }[]; needs?: string[]; artifacts?: { paths: string[] } }][];

const githubScripts = (job: GithubJob) => job.steps.flatMap((s) => (s.run ? [s.run] : []));
const gitlabScript = (job: { script: string[] }) => job.script.join('\n');
const optionValue = (inv: Invocation, flag: string) => inv.args[inv.args.indexOf(flag) + 1];
const invocations = (scripts: string[]) => scripts.flatMap(tscmInvocations);

describe('examples/ci: the CI files', () => {
  it('parse, and every tscm command in them exists in the built CLI with the options it uses', () => {
    const all = [
      ...Object.values(github.jobs).flatMap((j) => invocations(githubScripts(j))),
      ...gitlabJobs.flatMap(([, j]) => invocations([gitlabScript(j)])),
    ];
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(all.flatMap(invocationProblems)).toEqual([]);
    // The checker can fail: a misspelt option and a missing subcommand are caught.
    expect(invocationProblems({ args: ['plan', '--changed-sinse', 'x'], line: 'x' })).toEqual([
      'tscm plan has no option --changed-sinse: x',
    ]);
    expect(invocationProblems({ args: ['deploy'], line: 'y' })).toEqual(['tscm has no subcommand "deploy": y']);
  });

  it('GitHub: validate and plan the changed devices on pull requests, apply the saved plan on main', () => {
    expect(Object.keys(github.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
    const pr = github.jobs['plan-pull-request']!;
    expect(pr.if).toContain("github.event_name == 'pull_request'");
    // The git state backend records each plan in tscm-state: every job that plans or applies pushes there.
    expect(pr.permissions).toMatchObject({ 'pull-requests': 'write', contents: 'write' });
    expect(pr.steps.find((s) => s.uses?.startsWith('actions/checkout@'))?.with).toMatchObject({ 'fetch-depth': 0 });
    const [validate, plan] = invocations(githubScripts(pr));
    expect(validate!.args.slice(0, 1)).toEqual(['validate']);
    expect(plan!.args).toEqual(expect.arrayContaining(['plan', '--changed-since', '--markdown', '--out']));
    const md = /> (\S+)$/.exec(plan!.line)?.[1];
    expect(githubScripts(pr).join('\n')).toContain(`node scripts/post-plan-comment.mjs ${md}`);

    const main = github.jobs['plan-main']!;
    const apply = github.jobs['apply']!;
    expect(main.if).toContain("github.ref == 'refs/heads/main'");
    expect(apply.needs).toBe('plan-main');
    expect(apply.permissions).toMatchObject({ contents: 'write' });
    expect(main.permissions).toMatchObject({ contents: 'write' });
    const saved = optionValue(invocations(githubScripts(main))[0]!, '--out')!;
    const [applied] = invocations(githubScripts(apply));
    expect(applied!.args).toEqual(['apply', saved, '--dir', 'definitions', '--auto-approve']);
    const upload = main.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!.with!;
    const download = apply.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!.with!;
    expect(upload['name']).toBe(download['name']);
    expect(path.join(String(download['path']), path.basename(String(upload['path'])))).toBe(saved);
  });

  it('GitLab: the same, with the merge request base revision and a manual apply of the saved plan', () => {
    const jobs = Object.fromEntries(gitlabJobs);
    const mr = jobs['plan:merge-request']!;
    expect(mr.rules![0]!.if).toContain('merge_request_event');
    const plan = invocations([gitlabScript(mr)])[0]!;
    expect(optionValue(plan, '--changed-since')).toBe('$CI_MERGE_REQUEST_DIFF_BASE_SHA');
    expect(plan.args).toEqual(expect.arrayContaining(['--markdown', '--out']));
    expect(gitlabScript(mr)).toContain('node scripts/post-plan-comment.mjs');
    expect((gitlab['variables'] as Record<string, string>)['GIT_DEPTH']).toBe('0');

    const main = jobs['plan:default-branch']!;
    const apply = jobs['apply']!;
    expect(apply.needs).toEqual(['plan:default-branch']);
    expect(apply.rules![0]).toMatchObject({ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', when: 'manual' });
    const saved = optionValue(invocations([gitlabScript(main)])[0]!, '--out')!;
    expect(main.artifacts!.paths.some((p) => saved.startsWith(p))).toBe(true);
    expect(invocations([gitlabScript(apply)])[0]!.args).toEqual([
      'apply',
      saved,
      '--dir',
      'definitions',
      '--auto-approve',
    ]);
  });

  it('the definitions they plan validate, with state in the git backend, and the script they run is there', async () => {
    const r = await runTscm(['validate', '--dir', path.join(EXAMPLES, 'definitions')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const settings = readYaml('definitions/tscm.yaml') as { state: Record<string, unknown> };
    expect(settings.state).toMatchObject({ backend: 'git', branch: 'tscm-state', token: { env: 'TSCM_STATE_TOKEN' } });
    expect(statSync(SCRIPT).isFile()).toBe(true);
  });
});

// ---- the comment script against loopback APIs --------------------------------------------------------------------

interface Comment {
  id: number;
  body: string;
  author: string;
}

/** A forge's comment API: GitHub's issue comments or GitLab's merge request notes, just what the script uses. */
class FakeForge {
  comments: Comment[] = [];
  requests: string[] = [];
  private server: Server | undefined;
  private nextId = 1000;
  constructor(private readonly kind: 'github' | 'gitlab') {}

  seed(author: string, body: string): Comment {
    const c = { id: this.nextId++, body, author };
    this.comments.push(c);
    return c;
  }

  async start(host: string): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
    return `http://${host}:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const url = new URL(req.url!, 'http://x');
    this.requests.push(`${req.method} ${url.pathname}`);
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const authorised =
      this.kind === 'github'
        ? req.headers.authorization === 'Bearer gh-token' && req.headers['user-agent'] !== undefined
        : req.headers['private-token'] === 'gl-token';
    if (!authorised) return send(401, { message: 'Bad credentials' });
    const page = Number(url.searchParams.get('page') ?? 1);
    const perPage = Number(url.searchParams.get('per_page') ?? 30);
    const shape = (c: Comment) =>
      this.kind === 'github'
        ? { id: c.id, body: c.body, user: { login: c.author } }
        : { id: c.id, body: c.body, system: false, author: { id: c.author === 'tscm-bot' ? 42 : 7 } };
    const list =
      this.kind === 'github' ? '/repos/net/defs/issues/7/comments' : '/api/v4/projects/5/merge_requests/3/notes';
    const one =
      this.kind === 'github'
        ? /^\/repos\/net\/defs\/issues\/comments\/(\d+)$/
        : /^\/api\/v4\/projects\/5\/merge_requests\/3\/notes\/(\d+)$/;
    const me = this.kind === 'github' ? 'github-actions[bot]' : 'tscm-bot';
    if (req.method === 'GET' && url.pathname === '/api/v4/user' && this.kind === 'gitlab') return send(200, { id: 42 });
    if (req.method === 'GET' && url.pathname === list)
      return send(200, this.comments.slice((page - 1) * perPage, page * perPage).map(shape));
    if (req.method === 'POST' && url.pathname === list) return send(201, shape(this.seed(me, JSON.parse(text).body)));
    const m = one.exec(url.pathname);
    if (m && (req.method === 'PATCH' || req.method === 'PUT')) {
      const c = this.comments.find((x) => x.id === Number(m[1]));
      if (!c) return send(404, { message: 'Not Found' });
      c.body = JSON.parse(text).body;
      return send(200, shape(c));
    }
    send(404, { message: `no route ${req.method} ${url.pathname}` });
  }
}

const exec = promisify(execFile);

async function postComment(file: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(GITHUB_|CI_|GITLAB_|TSCM_COMMENT)/.test(k)),
  ) as Record<string, string>;
  try {
    const { stdout, stderr } = await exec(process.execPath, [SCRIPT, file], { env: { ...clean, ...env } });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('examples/ci: the comment script finds the marker tscm prints', () => {
  let work: string;
  let defs: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'tscm-ci-comment-'));
    defs = path.join(work, 'defs');
    mkdirSync(defs);
    writeFileSync(
      path.join(defs, 'edge-a.yaml'),
      'name: edge-a\nplatform: ios\ndeviceId: tdid_edgea\nmanagement: { host: 127.0.74.1, port: 9 }\n' +
        'credentials: { username: { env: U }, password: { env: P } }\npolicy: { blockList: { file: a.txt } }\n',
    );
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** The real markdown for a list file (made once per list and options: both forges post the same text). */
  const made = new Map<string, Promise<string>>();
  function markdown(list: string, extra: string[] = []): Promise<string> {
    const key = JSON.stringify([list, extra]);
    if (!made.has(key)) {
      made.set(
        key,
        (async () => {
          writeFileSync(path.join(defs, 'a.txt'), list);
          const r = await runTscm(['plan', '--refresh=false', '--dir', defs, '--markdown', ...extra]);
          expect(r.code, r.stderr).toBe(0);
          const file = path.join(work, `plan-${made.size}.md`);
          writeFileSync(file, r.stdout);
          return file;
        })(),
      );
    }
    return made.get(key)!;
  }

  for (const kind of ['github', 'gitlab'] as const) {
    it(`${kind}: posts once, then updates its own comment, never another's or another job's`, async () => {
      const forge = new FakeForge(kind);
      const api = await forge.start(kind === 'github' ? '127.0.74.2' : '127.0.74.3');
      try {
        const env: Record<string, string> =
          kind === 'github'
            ? { GITHUB_API_URL: api, GITHUB_REPOSITORY: 'net/defs', PR_NUMBER: '7', GITHUB_TOKEN: 'gh-token' }
            : {
                CI_API_V4_URL: `${api}/api/v4`,
                CI_PROJECT_ID: '5',
                CI_MERGE_REQUEST_IID: '3',
                TSCM_COMMENT_TOKEN: 'gl-token',
              };
        const bot = kind === 'github' ? 'github-actions[bot]' : 'tscm-bot';
        // 150 comments (two pages): someone quoting the marker, the bot's comment for another job.
        for (let i = 0; i < 150; i++) forge.seed('alice', `comment ${i}`);
        const quoted = forge.seed('mallory', 'look: <!-- tscm-plan -->');
        const otherJob = forge.seed(bot, 'old\n<!-- tscm-plan id=staging -->');

        const first = await postComment(await markdown('192.0.2.1\n'), env);
        expect(first.code, first.out).toBe(0);
        expect(first.out).toContain('posted the plan (<!-- tscm-plan -->)');
        const posted = forge.comments.at(-1)!;
        expect(posted.author).toBe(bot);
        expect(posted.body).toContain('1 to add');

        const second = await postComment(await markdown('192.0.2.1\n192.0.2.2\n'), env);
        expect(second.code, second.out).toBe(0);
        expect(second.out).toContain(`updated the plan comment ${posted.id}`);
        expect(forge.comments).toHaveLength(153);
        expect(posted.body).toContain('2 to add');
        expect(quoted.body).toBe('look: <!-- tscm-plan -->');
        expect(otherJob.body).toBe('old\n<!-- tscm-plan id=staging -->');

        // The job with its own --comment-id updates its own comment.
        const staging = await postComment(await markdown('192.0.2.3\n', ['--comment-id', 'staging']), env);
        expect(staging.out).toContain(`updated the plan comment ${otherJob.id}`);
        expect(otherJob.body).toContain('<!-- tscm-plan id=staging -->');
        expect(forge.comments).toHaveLength(153);
      } finally {
        await forge.stop();
      }
    });
  }

  it('refuses a file without the marker, and a token the API refuses, without printing the token', async () => {
    const file = path.join(work, 'not-a-plan.md');
    writeFileSync(file, '# hello\n');
    const none = await postComment(file, { GITHUB_REPOSITORY: 'net/defs', PR_NUMBER: '7', GITHUB_TOKEN: 't' });
    expect(none.code).toBe(1);
    expect(none.out).toContain('has no tscm marker on its first lines');
    const forge = new FakeForge('github');
    const api = await forge.start('127.0.74.4');
    try {
      const bad = await postComment(await markdown('192.0.2.9\n'), {
        GITHUB_API_URL: api,
        GITHUB_REPOSITORY: 'net/defs',
        PR_NUMBER: '7',
        GITHUB_TOKEN: 'wrong-secret-token',
      });
      expect(bad.code).toBe(1);
      expect(bad.out).toContain('GET /repos/net/defs/issues/7/comments: HTTP 401: {"message":"Bad credentials"}');
      expect(bad.out).not.toContain('wrong-secret-token');
    } finally {
      await forge.stop();
    }
  });
});
