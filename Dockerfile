# The scaleproof image: the CLI, used as the AGENT of distributed runs (`scaleproof agent`, see
# docs/distributed.md) and usable for any command (`docker run … run profile.yaml`).
#
#   docker build -t ghcr.io/scaleproof/scaleproof:$(node -p "require('./package.json').version") .
#
# Three stages: build (dev dependencies, tsc → dist/), deps (production dependencies only,
# install scripts off: `prepare` would try to build again), runtime (slim, non-root, numeric
# UID so Kubernetes can enforce runAsNonRoot, read-only root filesystem friendly).
ARG NODE_IMAGE=node:20.20-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY providers ./providers
RUN npx tsc -p tsconfig.json

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NO_COLOR=1
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY schema ./schema
COPY profiles ./profiles
# The `node` user of the official image, by number (runAsNonRoot cannot verify a user name).
USER 1000:1000
ENTRYPOINT ["node", "bin/scaleproof.js"]
CMD ["--help"]
