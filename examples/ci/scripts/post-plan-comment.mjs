#!/usr/bin/env node
// Posts tscm's plan (`tscm plan --markdown` output) on the pull request (GitHub) or merge request (GitLab), or
// updates the comment it posted before, so each push edits one comment instead of adding another. Its comment is
// the one by the same author holding the hidden marker tscm prints on the second line (`<!-- tscm-plan -->`, or
// `<!-- tscm-plan id=ID -->` with --comment-id, so several jobs keep one comment each). Node.js 20+, no packages.
//
//   node scripts/post-plan-comment.mjs PLAN.md
//
// GitHub Actions: GITHUB_TOKEN (the job needs `pull-requests: write`) and PR_NUMBER; Actions sets GITHUB_API_URL
//   and GITHUB_REPOSITORY. The author looked for: TSCM_COMMENT_AUTHOR (default github-actions[bot], the author of
//   comments made with GITHUB_TOKEN).
// GitLab CI: TSCM_COMMENT_TOKEN (a project access token with the `api` scope: the job token cannot write notes);
//   GitLab sets CI_API_V4_URL, CI_PROJECT_ID and CI_MERGE_REQUEST_IID in merge request pipelines. The author is the
//   token's own user.

/* global fetch, AbortSignal -- Node.js 20 has both */
import { readFileSync } from 'node:fs';

const MARKER = /<!-- tscm-plan(?: id=[A-Za-z0-9_.-]{1,64})? -->/;
/** GitHub refuses longer comments; tscm keeps to 60,000 by default (--max-chars). */
const MAX_BODY = 65_536;
const PAGE = 100;

async function main() {
  const file = process.argv[2];
  if (!file) fail('usage: post-plan-comment.mjs PLAN.md (the output of tscm plan --markdown)');
  const body = readFileSync(file, 'utf8');
  const marker = MARKER.exec(body.split('\n').slice(0, 3).join('\n'))?.[0];
  if (!marker) fail(`${file} has no tscm marker on its first lines: is it the output of tscm plan --markdown?`);
  if (body.length > MAX_BODY) fail(`${file} has ${body.length} characters, more than a comment takes (${MAX_BODY})`);
  const env = process.env;
  const forge = env.GITHUB_REPOSITORY ? github() : env.CI_API_V4_URL ? gitlab() : undefined;
  if (!forge) fail('neither GitHub Actions (GITHUB_REPOSITORY) nor GitLab CI (CI_API_V4_URL): where to post?');
  const own = await forge.findOwn(marker);
  if (own === undefined) {
    await forge.create(body);
    console.log(`posted the plan (${marker})`);
  } else {
    await forge.update(own, body);
    console.log(`updated the plan comment ${own} (${marker})`);
  }
}

function github() {
  const api = (process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
  const repo = need('GITHUB_REPOSITORY');
  const number = need('PR_NUMBER');
  const author = process.env.TSCM_COMMENT_AUTHOR ?? 'github-actions[bot]';
  const headers = {
    authorization: `Bearer ${need('GITHUB_TOKEN')}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
    'user-agent': 'tscm-post-plan-comment',
  };
  const comments = `${api}/repos/${repo}/issues/${encodeURIComponent(number)}/comments`;
  return {
    async findOwn(marker) {
      for (let page = 1; ; page++) {
        const list = await call('GET', `${comments}?per_page=${PAGE}&page=${page}`, headers);
        const own = list.find((c) => c.user?.login === author && String(c.body ?? '').includes(marker));
        if (own) return own.id;
        if (list.length < PAGE) return undefined;
      }
    },
    create: (body) => call('POST', comments, headers, { body }),
    update: (id, body) => call('PATCH', `${api}/repos/${repo}/issues/comments/${id}`, headers, { body }),
  };
}

function gitlab() {
  const api = need('CI_API_V4_URL').replace(/\/$/, '');
  const project = encodeURIComponent(need('CI_PROJECT_ID'));
  const iid = encodeURIComponent(need('CI_MERGE_REQUEST_IID'));
  const headers = { 'private-token': need('TSCM_COMMENT_TOKEN'), 'user-agent': 'tscm-post-plan-comment' };
  const notes = `${api}/projects/${project}/merge_requests/${iid}/notes`;
  return {
    async findOwn(marker) {
      const me = await call('GET', `${api}/user`, headers);
      for (let page = 1; ; page++) {
        const list = await call('GET', `${notes}?per_page=${PAGE}&page=${page}&sort=asc&order_by=created_at`, headers);
        const own = list.find((n) => !n.system && n.author?.id === me.id && String(n.body ?? '').includes(marker));
        if (own) return own.id;
        if (list.length < PAGE) return undefined;
      }
    },
    create: (body) => call('POST', notes, headers, { body }),
    update: (id, body) => call('PUT', `${notes}/${id}`, headers, { body }),
  };
}

async function call(method, url, headers, json) {
  const res = await fetch(url, {
    method,
    headers: json ? { ...headers, 'content-type': 'application/json' } : headers,
    body: json ? JSON.stringify(json) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  // The reply's first words only: never the token, never a whole page.
  if (!res.ok) fail(`${method} ${new URL(url).pathname}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text === '' ? null : JSON.parse(text);
}

function need(name) {
  const value = process.env[name];
  if (!value) fail(`${name} is not set (see the head of this script)`);
  return value;
}

function fail(message) {
  console.error(`post-plan-comment: ${message}`);
  process.exit(1);
}

await main();
