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
# node-gyp builds the native addons: hnswlib-node (Node-API, stable across Node majors) and
# isolated-vm, which uses V8's own C++ API and so must be compiled against the headers of exactly
# this Node release (another release's build fails to load: "undefined symbol ..."). The official
# node images ship them in /usr/local/include/node; a base without them (a stand-in built from the
# bare binary) gets them from the npm package of the same release (node-linux-<arch>), never
# from Debian's libnode-dev, which is another Node.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
RUN check='const h = require("fs").readFileSync("/usr/local/include/node/node_version.h", "utf8"); const v = ["MAJOR", "MINOR", "PATCH"].map((k) => (h.match(new RegExp("define NODE_" + k + "_VERSION ([0-9]+)")) || [])[1]).join("."); process.exit(v === process.versions.node ? 0 : 1)' \
 && if ! node -e "$check" 2>/dev/null; then \
      cd /tmp && npm pack --silent "node-linux-$(node -p process.arch)@$(node -p process.versions.node)" >/dev/null \
      && tar -xzf node-linux-*.tgz package/include/node \
      && mkdir -p /usr/local/include && rm -rf /usr/local/include/node && mv package/include/node /usr/local/include/node \
      && rm -rf /tmp/package /tmp/node-linux-*.tgz; \
    fi \
 && node -e "$check"
ENV npm_config_nodedir=/usr/local

# isolated-vm compiles V8 bindings for about 4 minutes: its own layer, keyed by its version only,
# so a change to any other dependency reuses it. The full install below finds it already in
# node_modules and leaves it alone. The version must match package.json's (checked below).
# build_from_source: no prebuilt binary is reachable; skip the download attempt. Stripped, the
# addon is 1 MB instead of 25.
ARG ISOLATED_VM_VERSION=5.0.4
RUN mkdir -p /build/isolated-vm && cd /build/isolated-vm \
 && npm_config_build_from_source=true npm install --no-save --no-audit --no-fund --loglevel=error "isolated-vm@${ISOLATED_VM_VERSION}" \
 && strip --strip-unneeded node_modules/isolated-vm/out/isolated_vm.node \
 && node -e 'const ivm = require("isolated-vm"); new ivm.Isolate({ memoryLimit: 8 }).dispose()'

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
RUN test "$(node -p 'require("./package.json").dependencies["isolated-vm"]')" = "$ISOLATED_VM_VERSION" \
   || { echo "Dockerfile: ISOLATED_VM_VERSION ($ISOLATED_VM_VERSION) differs from package.json's isolated-vm" >&2; exit 1; } \
 && npm pkg delete devDependencies dependencies.tsx \
 && mkdir -p node_modules && cp -a /build/isolated-vm/node_modules/isolated-vm node_modules/isolated-vm \
 && npm install --omit=dev --omit=peer --no-audit --no-fund --loglevel=error \
 && strip --strip-unneeded node_modules/isolated-vm/out/isolated_vm.node \
 && node -e 'require("hnswlib-node"); const ivm = require("isolated-vm"); new ivm.Isolate({ memoryLimit: 8 }).dispose()' \
 && rm -rf node_modules/ccxt/dist
# ccxt/dist is ccxt's CommonJS bundle (32 MB); the services import its ES modules (ccxt/js).
COPY tsconfig.json tsconfig.build.json ./
COPY services ./services
RUN npm run build

# ---- runtime
FROM ${NODE_IMAGE}
ARG NODE_IMAGE
# What the backtest worker's Python sandbox runs (services/backtest/sandbox/python): Debian's
# python3 with numpy (about 90 MB with its BLAS; numpy's own tests removed), bubblewrap, and
# util-linux's prlimit, setpriv and unshare (util-linux is in the base). The sandbox binds /usr
# but not /etc, so links through /etc/alternatives (BLAS, LAPACK) are made to point into /usr.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-numpy bubblewrap \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old /var/log/apt /var/log/dpkg.log /usr/share/doc/* /usr/share/man/* \
 && find /usr/lib/python3/dist-packages/numpy -depth -type d -name tests -exec rm -rf {} + \
 && find /usr/lib -lname '/etc/alternatives/*' -exec sh -c 'ln -sfn "$(readlink -f "$1")" "$1"' _ {} \; \
 && python3 -c 'import numpy' && test -x /usr/bin/bwrap -a -x /usr/bin/prlimit -a -x /usr/bin/setpriv
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
