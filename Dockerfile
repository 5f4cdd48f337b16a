# syntax=docker/dockerfile:1
# Build stage: install everything, compile TypeScript to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY scripts/build-assets.js ./scripts/build-assets.js
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: production dependencies and dist/ only, unprivileged user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production ANYCABLE_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY docker/healthcheck.js ./docker/healthcheck.js
USER node
EXPOSE 8080
# Reads port and health path like the server does (anycable.toml < env: ANYCABLE_PORT / PORT,
# ANYCABLE_HEALTH_PATH); options given as command-line flags are not visible to it, so set those by env.
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "docker/healthcheck.js"]
CMD ["node", "dist/main.js"]
