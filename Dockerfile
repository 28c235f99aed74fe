# syntax=docker/dockerfile:1
# Tandem's image: compiled JavaScript (dist/) on Node 20, production dependencies only, run as a non-root user.
# Build: docker build -t tandem .      Run: see deploy/compose.yaml and docs/deploy.md. No secret is baked in: the
# database URL, TANDEM_SECRET_KEY and the Polymarket keys come from the environment at run time.

# --- build: every dependency, then `npm run build` (server → dist/, dashboard → dist/web, PGlite template) ---
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
COPY web ./web
RUN npm run build

# --- deps: production dependencies only ---
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime ---
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/var/lib/tandem
WORKDIR /app
RUN groupadd --system --gid 10001 tandem \
 && useradd --system --uid 10001 --gid tandem --home-dir /var/lib/tandem --shell /usr/sbin/nologin tandem \
 && mkdir -p /var/lib/tandem && chown tandem:tandem /var/lib/tandem
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /src/dist ./dist
COPY --chown=root:root package.json ./
USER tandem:tandem
VOLUME ["/var/lib/tandem"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["start"]
