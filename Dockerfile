# task-advisor: build with dev dependencies, run with production ones only.
# The base is an ARG so scripts/docker-check.sh can substitute a locally made image
# where no registry is reachable; a real engine uses the official image unchanged.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: tsc needs the dev dependencies (typescript, @types/node) ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Lockfile first so the npm ci layer is cached until dependencies change
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
# Only what the server needs compiled: tests and bench are not shipped
COPY src ./src
COPY routes ./routes
COPY workers ./workers
# src/costs/cpython.ts imports python/calibration.json, the measured CPython figures
COPY python ./python
RUN npm run build

# ---- runtime ----
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
# tini as PID 1 forwards SIGTERM to node and reaps zombies; from Debian, nothing downloaded by hand
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
COPY openapi ./openapi
# The page at / (src/http/page.ts serves it from beside dist/)
COPY public ./public
# `task-advisor calibrate` runs python/calibrate.py, found beside dist/ (the image has no python3 of its own)
COPY python ./python
COPY --from=build /app/dist ./dist
# Listen on all interfaces inside the container; the server's own default is 127.0.0.1
ENV HOST=0.0.0.0 PORT=3000
# Files stay root-owned (read-only to the service); the process runs unprivileged
USER node
EXPOSE 3000
# node's own fetch: no curl or wget in the image
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# node directly: dist/ is built above, and npm does not pass SIGTERM on cleanly
CMD ["node", "dist/src/server.js"]
