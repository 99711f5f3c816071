# The QuantMind service image: one image for every service, each a sub-command of the `quantmind`
# entrypoint (see ../shared/DESIGN.md and infra/catalogue.ts). Builds with the classic builder
# (no BuildKit features), so it builds anywhere:
#
#   DOCKER_BUILDKIT=0 docker build --network host -t quantmind:local .
#
# It runs hardened (infra/hardening.ts): user quantmind (10001:10001), read-only root filesystem,
# writable paths only /tmp (tmpfs) and volumes. Nothing at run time writes into the image: the
# TypeScript is compiled here, so no loader cache is needed.
#
# Base: Node 22 (maintenance LTS until April 2027). Node 20 reached end of life in April 2026, and
# an image is what runs in production, so it gets the supported runtime; the code itself supports
# Node >= 20 (package.json engines) and the container tests run it on 22.
ARG NODE_IMAGE=node:22-bookworm-slim

# ---- build: production dependencies (with the native hnswlib-node addon) and the compiled CLI
FROM ${NODE_IMAGE} AS build
ENV DEBIAN_FRONTEND=noninteractive
# node-gyp builds hnswlib-node and needs Node's C headers. The official node images ship them in
# /usr/local/include/node; a base without them (a stand-in built from the bare binary) gets
# Debian's libnode-dev. hnswlib-node is a Node-API addon, whose ABI is stable across Node majors,
# so either set of headers builds an addon that loads in this image's Node.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && if [ ! -f /usr/local/include/node/node_api.h ]; then apt-get install -y --no-install-recommends libnode-dev; fi \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /build/app
COPY package.json package-lock.json ./
# The compiler lives beside the app, in /build/node_modules, which the app's build resolves as a
# parent directory: tsc and the type packages at the versions package.json pins.
RUN cd /build && npm install --no-save --no-audit --no-fund --loglevel=error \
    $(node -p 'const d = require("./app/package.json").devDependencies; ["typescript", "@types/node", "@types/cli-progress"].map((n) => `${n}@${d[n]}`).join(" ")')
# Production dependencies only: devDependencies (@pulumi/*, esbuild, vitest, typescript, ...) are
# deleted from this copy of package.json first, so nothing reaches them. tsx goes too: it runs the
# TypeScript sources for `npm start` and bin/quantmind.js, while the image runs compiled JavaScript.
# --omit=peer leaves out typescript, which @qdrant/js-client-rest lists as a peer.
# `npm install`, not `npm ci`: some registries lack optional platform packages in the lockfile.
RUN npm pkg delete devDependencies dependencies.tsx \
 && nodedir=/usr/local && { [ -f "$nodedir/include/node/node_api.h" ] || nodedir=/usr; } \
 && npm_config_nodedir="$nodedir" npm install --omit=dev --omit=peer --no-audit --no-fund --loglevel=error \
 && node -e 'require("hnswlib-node")' \
 && rm -rf node_modules/ccxt/dist
# ccxt/dist is ccxt's CommonJS bundle (32 MB); the services import its ES modules (ccxt/js).
COPY tsconfig.json tsconfig.build.json ./
COPY services ./services
RUN npm run build

# ---- runtime
FROM ${NODE_IMAGE}
ARG NODE_IMAGE
RUN groupadd --gid 10001 quantmind \
 && useradd --uid 10001 --gid quantmind --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin quantmind \
 && install -d -o quantmind -g quantmind -m 0700 /var/lib/quantmind
WORKDIR /app
# Everything under /app stays root-owned: the service can read its code, never change it.
COPY --from=build /build/app/package.json ./package.json
COPY --from=build /build/app/node_modules ./node_modules
COPY --from=build /build/app/dist ./dist
COPY bin/healthcheck.js ./bin/healthcheck.js
COPY data ./data
# Runtime configuration the services read by default: config/brokers.yaml, config/agent.yaml.
COPY config ./config
# QM_DATA_DIR: a path the image gives the service user, for a volume (`-v quantmind-data:/var/lib/quantmind`
# takes its owner from the image). The deploy targets set their own (see infra/catalogue.ts).
ENV NODE_ENV=production \
    QM_DATA_DIR=/var/lib/quantmind
USER 10001:10001
# Fargate has no tmpfs: the aws target mounts a task-scoped volume at /tmp, which keeps the image's
# /tmp permissions (1777) only when the image declares the path a VOLUME. Docker targets mount a
# tmpfs over it.
VOLUME ["/tmp"]
EXPOSE 8000
# For the HTTP services (port: argument, else MCP_PORT, else 8000). The targets set the probe per
# service from infra/catalogue.ts and turn it off for one-shot jobs such as `index`.
HEALTHCHECK --interval=5s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/bin/healthcheck.js"]
ENTRYPOINT ["node", "/app/dist/services/cli.js"]
CMD ["--help"]

# Last, so a new revision reuses every layer above.
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="quantmind" \
      org.opencontainers.image.description="QuantMind services (knowledge-base indexer and MCP server, ...): one image, the quantmind CLI as entrypoint" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.vendor="QuantMind" \
      org.opencontainers.image.base.name="${NODE_IMAGE}"
