# The reconcile container: `tscm reconcile` by default (the loop: pull the definitions, plan, apply, and serve
# /healthz /readyz /status /metrics on port 9469), any other tscm command on demand. deploy/ runs it with compose and
# on Kubernetes.
#
#   docker build -t tscm --build-arg REVISION="$(git rev-parse HEAD)" --build-arg CREATED="$(date -u +%FT%TZ)" .
#   docker run --stop-timeout 60 -v tscm-state:/var/lib/tscm tscm reconcile --repo URL --branch main \
#     --path definitions --listen 0.0.0.0:9469      # docker's default 10 s is too short to stop an apply truthfully
#   docker run --rm -v "$PWD:/definitions" -e TSCM_DIR=/definitions tscm plan      # a checkout on the host
#
# Base: Node.js 24, the Active LTS line, maintained to April 2028 (Node 20's life ended in April 2026, Node 22's
# ends in April 2027). The code also runs on Node 20 (engines >=20.19, which the team's machines and CI use): build
# with --build-arg NODE_IMAGE=node:20-slim for that. slim, not alpine: glibc, as the code is tested on.
# State: /var/lib/tscm is a volume (the clone of --repo, caches, and the state folder of the local backend);
# the git state backend (tscm.yaml) keeps state in a branch instead, shared by every replica and CI.

ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schemas ./schemas
COPY scripts/build-validators.mjs scripts/build-cli.mjs ./scripts/
# tsc, then the schema validators compiled ahead of time (they load ajv's small runtime helpers at run time), then
# the CLI bundled (esbuild, a dev dependency, pruned after the build).
RUN npm run build && npm prune --omit=dev

FROM ${NODE_IMAGE}
ARG NODE_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="tscm" \
      org.opencontainers.image.description="GitOps reconciler for firewall IP block/allow lists on Cisco devices" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
ENV NODE_ENV=production
# git (+ openssh-client for SSH remotes): the definitions and the git state backend; tini: PID 1 that forwards
# SIGTERM (the loop stops its applies truthfully) and reaps git's children; ca-certificates: HTTPS remotes.
# The user has a fixed numeric id (Kubernetes runAsNonRoot checks it) and its home in the state volume.
# safe.directory: a checkout mounted at /definitions belongs to another user; git refuses it without this (for
# another place, add it with GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0=PATH).
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 tscm \
 && useradd --system --uid 10001 --gid tscm --home-dir /var/lib/tscm --shell /usr/sbin/nologin tscm \
 && mkdir -p /var/lib/tscm /definitions \
 && chown tscm:tscm /var/lib/tscm \
 && git config --system --add safe.directory /definitions
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
RUN ln -s /app/dist/cli/main.js /usr/local/bin/tscm && chmod +x /app/dist/cli/main.js
VOLUME ["/var/lib/tscm"]
WORKDIR /var/lib/tscm
USER 10001:10001
# The device log folder (tscm syslog, reconcile --syslog) in the state volume unless tscm.yaml or a mount names
# another; deploy/ mounts a volume of its own there (the spool may grow to tscm.yaml logs.spoolMb).
ENV TSCM_LOG_DIR=/var/lib/tscm/logs
# 9469: status and metrics. 514/udp, 514/tcp, 1470/tcp: device syslog, with --syslog. The user is not root:
# Docker (20.10+) lets a container's users bind ports below 1024 (net.ipv4.ip_unprivileged_port_start=0);
# Kubernetes needs that sysctl in the pod (deploy/kubernetes/statefulset.yaml).
EXPOSE 9469 514/udp 514/tcp 1470/tcp
# The loop answers /healthz while the process is alive; no curl in a slim image, so Node's fetch asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9469/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "tscm"]
# 0.0.0.0: the port must be reachable from outside the container (probes, Prometheus); publish it with care.
CMD ["reconcile", "--listen", "0.0.0.0:9469"]
