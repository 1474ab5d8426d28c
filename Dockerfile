# The reconcile container: `tscm` as the entrypoint, running as a non-root user.
# Build:  docker build -t tscm .
# Run:    docker run --rm -v /srv/definitions:/definitions -e ISR01_PASSWORD=... tscm plan --dir /definitions

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY schemas ./schemas
COPY scripts/build-validators.mjs ./scripts/
# tsc, then the schema validators compiled ahead of time (they load ajv's small runtime helpers at run time).
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production
# git: the definitions are a git work tree (the plan pins its revision); tini: signals and zombie reaping.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY schemas ./schemas
RUN ln -s /app/dist/cli/main.js /usr/local/bin/tscm && chmod +x /app/dist/cli/main.js
USER node
WORKDIR /definitions
ENTRYPOINT ["/usr/bin/tini", "--", "tscm"]
CMD ["plan"]
