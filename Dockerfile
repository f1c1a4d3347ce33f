# syntax=docker/dockerfile:1
# ileap-ts host image: multi-stage, runs as the unprivileged `node` user, HEALTHCHECK on /health.
# Its steps are the commands .ci/run exercises on every run (npm ci, npm pack with its `npm run
# build`, installing the tarball into a fresh project, `ileap serve`, the /health probe:
# scripts/consumer-test.sh). No Docker engine runs in our CI: the image itself is not built there.
#
#   docker build -t ileap-ts .
#   docker run -p 8080:8080 -v ileap-data:/var/lib/ileap ileap-ts               # no clients yet: add a config
#   docker run -p 8080:8080 -e ILEAP_DEMO=true -e ILEAP_HOST=0.0.0.0 ileap-ts    # demo data and clients

# 1. Build: install with the lock file, compile, pack (`npm pack` runs `npm run build`).
FROM node:20-bookworm AS build
ENV npm_config_nodedir=/usr/local
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN mkdir /pkg && npm pack --pack-destination /pkg

# 2. Install the tarball as any user of the package would (native module built here, with the toolchain).
FROM node:20-bookworm AS install
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY --from=build /pkg/ /pkg/
RUN printf '{"name":"ileap-host","version":"1.0.0","private":true,"type":"module","allowScripts":{"better-sqlite3":true}}\n' > package.json \
 && npm install --omit=dev --no-audit --no-fund /pkg/ileap-ts-*.tgz

# 3. Runtime: slim image, no compiler, no npm cache, non-root.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    ILEAP_HOST=0.0.0.0 \
    ILEAP_DATA_DIR=/var/lib/ileap \
    ILEAP_LOG_FORMAT=json \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=1048576
# glibc malloc: large blocks (scrypt's 16 MiB work buffers) go back to the system when freed, and
# at most 2 arenas (README, "Deployment": memory).
WORKDIR /app
COPY --from=install /app/ /app/
RUN mkdir -p /var/lib/ileap && chown node:node /var/lib/ileap
USER node
VOLUME ["/var/lib/ileap"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "node_modules/ileap-ts/bin/ileap.js", "serve"]
