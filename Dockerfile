# syntax=docker/dockerfile:1
# The fidus-autoheal worker image: `docker build -t fidus-autoheal .` (docker-compose.yml builds it).
# Multi-stage: the TypeScript build, then production dependencies only; runs as the non-root
# `node` user under tini, so SIGTERM reaches the worker and it drains (shutdownGraceTime) cleanly.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/bundle-workflows.js ./scripts/
COPY src ./src
# compiled JavaScript, then the workflow code bundled once (dist/workflow-bundle.js + manifest)
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# No lifecycle scripts: `prepare` builds, done in the build stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE}
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    AUTOHEAL_DATA_DIR=/app/.data \
    DASHBOARD_HOST=0.0.0.0 \
    DASHBOARD_PORT=8080
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8080
# The dashboard's liveness endpoint (`autoheal start` serves it beside the worker).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.DASHBOARD_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/autoheal.js"]
# worker + schedules + dashboard against TEMPORAL_ADDRESS (never the embedded dev server in the image).
CMD ["start"]
