# syntax=docker/dockerfile:1.7
# Images of the PI egress monitor (see docs/deployment.md; not built on the development machines,
# which have no Docker engine).
#   docker build --target services   -t pi-egress:latest .            # api, ingest, evaluator
#   docker build --target all-in-one -t pi-egress-all-in-one:latest . # `npm start` in a container
ARG NODE_IMAGE=node:20-bookworm-slim
ARG PNPM_VERSION=10.34.9

# ---- build: install every workspace dependency from the lockfile, compile all packages
FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
# gcc: the embedded engine's launcher (packages/clickhouse-embedded/native) is compiled at build.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
RUN npm install --global --no-fund --no-audit pnpm@${PNPM_VERSION}
WORKDIR /src
# The lockfile alone fetches every package: this layer is reused until the lockfile changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --offline --frozen-lockfile
RUN pnpm exec turbo run build --filter='./packages/*' --filter='./services/*'

# ---- production dependencies of the three services only (no dev tools, no embedded engine)
FROM build AS services-deps
RUN rm -rf node_modules packages/*/node_modules services/*/node_modules test/node_modules
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --offline --frozen-lockfile --prod \
      --filter '@pi-egress/api...' --filter '@pi-egress/ingest...' --filter '@pi-egress/evaluator...'

# ---- api, ingest and evaluator: one image, the command picks the service
FROM ${NODE_IMAGE} AS services
ENV NODE_ENV=production
# Headless Chromium prints the PDF compliance report (the API answers 503 for a PDF without it).
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=services-deps --chown=root:root /src/package.json /src/pnpm-workspace.yaml ./
COPY --from=services-deps /src/node_modules ./node_modules
COPY --from=services-deps /src/packages ./packages
COPY --from=services-deps /src/services ./services
# The runbooks that alerts link to (/runbooks/<AlertName>.md, and the evaluator's default runbook_url).
COPY --from=services-deps /src/docs/runbooks ./docs/runbooks
USER node
EXPOSE 8080
# Overridden per service: node services/{api,ingest,evaluator}/dist/main.js
CMD ["node", "services/api/dist/main.js"]

# ---- the all-in-one monitor with the embedded ClickHouse engine (libchdb.so), for evaluation
FROM build AS all-in-one-deps
RUN rm -rf node_modules packages/*/node_modules services/*/node_modules test/node_modules
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --offline --frozen-lockfile --prod --filter '@pi-egress/monitor...'

FROM ${NODE_IMAGE} AS all-in-one
ENV NODE_ENV=production EGRESS_DATA_DIR=/var/lib/pi-egress
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-cjk && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=all-in-one-deps /src/package.json /src/pnpm-workspace.yaml ./
COPY --from=all-in-one-deps /src/node_modules ./node_modules
COPY --from=all-in-one-deps /src/packages ./packages
COPY --from=all-in-one-deps /src/services ./services
COPY --from=all-in-one-deps /src/docs/runbooks ./docs/runbooks
RUN mkdir -p /var/lib/pi-egress && chown node:node /var/lib/pi-egress
USER node
VOLUME /var/lib/pi-egress
EXPOSE 8080
CMD ["node", "--max-old-space-size=256", "services/monitor/dist/main.js"]
