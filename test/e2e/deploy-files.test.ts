// The Dockerfile and deploy/ held together without a Docker engine or a cluster: the Dockerfile's instructions
// (a maintained Node LTS base, a numeric non-root USER, the state VOLUME, EXPOSE, OCI labels, tini, safe.directory,
// CMD reconcile; COPY sources that exist and are not ignored), its HEALTHCHECK run for real against a server on
// loopback, and every deploy YAML parsed with its references resolved: volumes, secrets and their keys, the Service
// and its ports, the shard wiring, the reconcile flags, and the secret files the definitions' tscm.yaml reads.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runTscm } from '../helpers/cli.js';
import { expandArgs, keyValues, parseDockerfile, type Instruction } from '../helpers/dockerfile.js';
import { cliOptions, invocationProblems } from '../helpers/shell-commands.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEPLOY = path.join(ROOT, 'deploy');
const K8S = path.join(DEPLOY, 'kubernetes');
const docker = parseDockerfile(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
const finalStage = Math.max(...docker.map((i) => i.stage));
const final = docker.filter((i) => i.stage === finalStage);
const one = (keyword: string): Instruction => {
  const found = final.filter((i) => i.keyword === keyword);
  expect(found, keyword).toHaveLength(1);
  return found[0]!;
};

/** The deploy files' `tscm reconcile` invocations are checked against the real `tscm reconcile --help`. */
const reconcileHelp = cliOptions('reconcile');

function reconcileProblems(args: readonly string[]): string[] {
  expect(args[0]).toBe('reconcile');
  expect(reconcileHelp?.has('--listen'), 'tscm reconcile --help lists its options').toBe(true);
  return invocationProblems({ args, line: args.join(' ') });
}

function flagValue(args: readonly string[], flag: string): string | undefined {
  const i = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (i === -1) return undefined;
  return args[i]!.includes('=') ? args[i]!.slice(flag.length + 1) : args[i + 1];
}

const listenPort = (args: readonly string[]) => Number(/:(\d+)$/.exec(flagValue(args, '--listen') ?? '')?.[1]);

describe('Dockerfile', () => {
  it('builds on a maintained Node LTS slim base, in two stages, from sources that exist and are not ignored', () => {
    const froms = docker.filter((i) => i.keyword === 'FROM');
    expect(froms).toHaveLength(2);
    for (const f of froms) expect(expandArgs(f.text, docker, f.stage)).toMatch(/^node:(22|24)-slim\b/);
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').filter(Boolean);
    const copies = docker.filter((i) => i.keyword === 'COPY' && !i.text.startsWith('--from'));
    expect(copies.length).toBeGreaterThan(3);
    for (const c of copies) {
      for (const source of c.text.split(' ').slice(0, -1)) {
        expect(existsSync(path.join(ROOT, source)), source).toBe(true);
        expect(
          ignored.some((p) => source === p || source.startsWith(`${p}/`)),
          source,
        ).toBe(false);
      }
    }
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(docker.some((i) => i.keyword === 'RUN' && i.text.includes('npm run build'))).toBe(true);
    expect(pkg.scripts.build).toBeDefined();
    // The image's version label follows the package's.
    expect(expandArgs('${VERSION}', docker, finalStage)).toBe(pkg.version);
  });

  it('runs as a numeric non-root user with its home in the state volume, under tini, `tscm reconcile` by default', () => {
    const user = one('USER').text;
    expect(user).toMatch(/^[0-9]+:[0-9]+$/);
    const [uid, gid] = user.split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    const setup = final
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.text)
      .join(' ');
    expect(setup).toContain(`--gid ${gid} tscm`);
    expect(setup).toMatch(new RegExp(`useradd .*--uid ${uid} .*--home-dir /var/lib/tscm`));
    expect(setup).toContain('chown tscm:tscm /var/lib/tscm');
    expect(setup).toMatch(/apt-get install .*\bgit\b.*\bopenssh-client\b.*\btini\b/);
    expect(setup).toContain('git config --system --add safe.directory /definitions');
    expect(one('VOLUME').exec).toEqual(['/var/lib/tscm']);
    expect(one('ENTRYPOINT').exec).toEqual(['/usr/bin/tini', '--', 'tscm']);
    const cmd = one('CMD').exec!;
    expect(cmd[0]).toBe('reconcile');
    expect(reconcileProblems(cmd)).toEqual([]);
    // The status port first, then the device syslog ports of --syslog.
    expect(one('EXPOSE').text).toBe(`${listenPort(cmd)} 514/udp 514/tcp 1470/tcp`);
    expect(flagValue(cmd, '--listen')).toBe('0.0.0.0:9469');
  });

  it('carries the OCI labels', () => {
    const labels = keyValues(
      final
        .filter((i) => i.keyword === 'LABEL')
        .map((i) => i.text)
        .join(' '),
    );
    for (const key of ['title', 'description', 'version', 'revision', 'created', 'source', 'base.name']) {
      expect(labels.get(`org.opencontainers.image.${key}`), key).toBeTruthy();
    }
  });

  it("HEALTHCHECK asks /healthz on the status port with node's fetch, and fails when the loop does not answer", async () => {
    const hc = one('HEALTHCHECK');
    expect(hc.text).toMatch(/--interval=\d+s --timeout=\d+s --start-period=\d+s --retries=\d+ CMD /);
    const exec = JSON.parse(hc.text.slice(hc.text.indexOf('CMD ') + 4)) as string[];
    expect(exec.slice(0, 2)).toEqual(['node', '-e']);
    const url = 'http://127.0.0.1:9469/healthz';
    expect(exec[2]).toContain(url);
    let status = 200;
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url!);
      res.writeHead(status).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.74.10', resolve));
    const here = `http://127.0.74.10:${(server.address() as AddressInfo).port}/healthz`;
    const check = async (script: string) =>
      promisify(execFile)(process.execPath, ['-e', script]).then(
        () => 0,
        (e: { code: number }) => e.code,
      );
    try {
      expect(await check(exec[2]!.replace(url, here))).toBe(0);
      status = 503;
      expect(await check(exec[2]!.replace(url, here))).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(seen).toEqual(['/healthz', '/healthz']);
    // Nothing listening: unhealthy, not a crash.
    expect(await check(exec[2]!.replace(url, here))).toBe(1);
  });
});

// ---- deploy/ -----------------------------------------------------------------------------------------------------

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

function yamlDocuments(file: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) expect(d.errors, file).toEqual([]);
  return list.map((d) => d.toJS() as K8sObject).filter((d) => d !== null);
}

const k8sFiles = readdirSync(K8S).filter((f) => f.endsWith('.yaml'));
const objects = k8sFiles.flatMap((f) => yamlDocuments(path.join(K8S, f)).map((o) => ({ ...o, file: f })));
const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
const named = (kind: string, name: string) => byKind(kind).find((o) => o.metadata.name === name);

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are checked field by field below */
const sts = byKind('StatefulSet')[0] as any;
const pod = sts.spec.template.spec;
const container = pod.containers[0];
const compose = parse(readFileSync(path.join(DEPLOY, 'docker-compose.yaml'), 'utf8'), { strict: true }) as any;
const service = compose.services.tscm;

/** The secret files the definitions' tscm.yaml reads, e.g. /run/secrets/tscm-git-key. */
function secretFilesOf(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const file = (value as { file?: unknown }).file;
  if (typeof file === 'string') return [file];
  return Object.values(value).flatMap(secretFilesOf);
}
const definitionsSecrets = secretFilesOf(parse(readFileSync(path.join(DEPLOY, 'definitions/tscm.yaml'), 'utf8')));

describe('deploy/kubernetes', () => {
  it('parses, and kustomization.yaml lists every manifest but the example Secrets', () => {
    expect(k8sFiles.length).toBeGreaterThanOrEqual(6);
    const kustomization = objects.find((o) => o.kind === 'Kustomization') as any;
    expect([...kustomization.resources].sort()).toEqual(
      k8sFiles.filter((f) => !['kustomization.yaml', 'secrets.example.yaml'].includes(f)).sort(),
    );
    for (const o of objects) expect(o.metadata?.name ?? o.kind, o.file).toBeTruthy();
  });

  it('a StatefulSet behind a headless Service whose port is the container port tscm listens on', () => {
    const svc = named('Service', sts.spec.serviceName) as any;
    expect(svc, 'the Service named by serviceName').toBeDefined();
    expect(svc.spec.clusterIP).toBe('None');
    const podLabels = sts.spec.template.metadata.labels;
    expect(sts.spec.selector.matchLabels).toEqual(podLabels);
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(podLabels[k]).toBe(v);
    const port = svc.spec.ports[0];
    const target = container.ports.find((p: any) => p.name === port.targetPort || p.containerPort === port.targetPort);
    expect(target, 'the targetPort').toBeDefined();
    expect(target.containerPort).toBe(listenPort(container.args));
    expect(target.containerPort).toBe(Number(one('EXPOSE').text.split(' ')[0]));
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: target.name });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: target.name });
  });

  it('each replica takes its ordinal as --shard I/N, N being the replica count', () => {
    const shard = flagValue(container.args, '--shard')!;
    const m = /^\$\(([A-Z_]+)\)\/(\d+)$/.exec(shard);
    expect(m, shard).not.toBeNull();
    expect(Number(m![2])).toBe(sts.spec.replicas);
    const env = container.env.find((e: any) => e.name === m![1]);
    expect(env.valueFrom.fieldRef.fieldPath).toBe("metadata.labels['apps.kubernetes.io/pod-index']");
    expect(reconcileProblems(container.args)).toEqual([]);
  });

  it('every mount has its volume, every Secret and ConfigMap it names exists with the keys it takes', () => {
    const volumes = new Map<string, any>(pod.volumes.map((v: any) => [v.name, v]));
    const claims = sts.spec.volumeClaimTemplates.map((c: any) => c.metadata.name);
    for (const m of container.volumeMounts) expect(volumes.has(m.name) || claims.includes(m.name), m.name).toBe(true);
    for (const name of volumes.keys()) {
      expect(
        container.volumeMounts.some((m: any) => m.name === name),
        `volume ${name} is mounted`,
      ).toBe(true);
    }
    const state = container.volumeMounts.find((m: any) => claims.includes(m.name));
    expect(state.mountPath).toBe(one('VOLUME').exec![0]);
    const mounted: string[] = [];
    for (const m of container.volumeMounts) {
      const sources = volumes.get(m.name)?.projected?.sources ?? [];
      for (const s of sources) {
        const secret = named('Secret', s.secret.name) as any;
        expect(secret, `Secret ${s.secret.name}`).toBeDefined();
        for (const item of s.secret.items) {
          expect(Object.keys({ ...secret.data, ...secret.stringData })).toContain(item.key);
          mounted.push(`${m.mountPath}/${item.path}`);
        }
      }
    }
    expect(volumes.get('secrets').projected.defaultMode).toBe(0o440);
    for (const ref of container.envFrom) expect(named('ConfigMap', ref.configMapRef.name)).toBeDefined();
    expect(named('ServiceAccount', pod.serviceAccountName)).toBeDefined();
    // The files the definitions' tscm.yaml and the git SSH command read are the ones mounted.
    const config = named('ConfigMap', 'tscm-config') as any;
    const sshFiles = [...config.data.GIT_SSH_COMMAND.matchAll(/\/run\/secrets\/[\w.-]+/g)].map((x) => x[0]);
    expect(definitionsSecrets.length).toBeGreaterThanOrEqual(3);
    for (const f of [...definitionsSecrets, ...sshFiles]) expect(mounted, f).toContain(f);
  });

  it('receives syslog (--syslog) on the ports the syslog Service targets, into a log volume, binding 514 unprivileged', () => {
    expect(container.args).toContain('--syslog');
    const svc = named('Service', 'tscm-syslog') as any;
    for (const p of svc.spec.ports) {
      const target = container.ports.find((c: any) => c.name === p.targetPort);
      expect(target, p.targetPort).toMatchObject({ containerPort: p.port, protocol: p.protocol });
    }
    expect(svc.spec.ports.map((p: any) => `${p.port}/${p.protocol.toLowerCase()}`)).toEqual(
      one('EXPOSE').text.split(' ').slice(1),
    );
    expect(container.volumeMounts.find((m: any) => m.name === 'logs').mountPath).toBe('/var/lib/tscm/logs');
    expect(final.some((i) => i.keyword === 'ENV' && i.text === 'TSCM_LOG_DIR=/var/lib/tscm/logs')).toBe(true);
    expect(pod.securityContext.sysctls).toContainEqual({ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' });
  });

  it('runs as the image user, non-root, read-only, with time to stop truthfully', () => {
    const [uid, gid] = one('USER').text.split(':').map(Number);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60);
    expect(container.image).toBe(service.image);
  });
});

describe('deploy/docker-compose.yaml', () => {
  it('builds this Dockerfile and runs reconcile with contracted flags on the port it publishes', () => {
    expect(path.resolve(DEPLOY, service.build.context, service.build.dockerfile)).toBe(path.join(ROOT, 'Dockerfile'));
    expect(reconcileProblems(service.command)).toEqual([]);
    const port = listenPort(service.command);
    expect(service.ports).toEqual([`127.0.0.1:${port}:${port}`, '514:514/udp', '514:514/tcp', '1470:1470/tcp']);
    expect(flagValue(service.command, '--repo')).toBe(flagValue(container.args, '--repo'));
  });

  it('every volume and secret it uses is declared, and the state volume is the image volume', () => {
    for (const v of service.volumes) {
      const [source, target] = v.split(':');
      expect(Object.keys(compose.volumes)).toContain(source);
      // The state volume, or the log volume inside it (the image's TSCM_LOG_DIR).
      expect([one('VOLUME').exec![0], '/var/lib/tscm/logs']).toContain(target);
    }
    for (const s of service.secrets) {
      expect(compose.secrets[s]?.file, s).toMatch(/^\.\/secrets\//);
    }
    expect(existsSync(path.join(DEPLOY, 'secrets/.gitignore'))).toBe(true);
    const mounted = service.secrets.map((s: string) => `/run/secrets/${s}`);
    const sshFiles = [...service.environment.GIT_SSH_COMMAND.matchAll(/\/run\/secrets\/[\w.-]+/g)].map((x) => x[0]);
    for (const f of [...definitionsSecrets, ...sshFiles]) expect(mounted, f).toContain(f);
    expect(service.stop_grace_period).toBeDefined();
  });
});

describe('deploy/definitions', () => {
  it('validates, with the git state backend reading the mounted key', async () => {
    const r = await runTscm(['validate', '--dir', path.join(DEPLOY, 'definitions')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const settings = parse(readFileSync(path.join(DEPLOY, 'definitions/tscm.yaml'), 'utf8'));
    expect(settings.state).toMatchObject({ backend: 'git', sshKey: { file: '/run/secrets/tscm-git-key' } });
  });
});
/* eslint-enable @typescript-eslint/no-explicit-any */
