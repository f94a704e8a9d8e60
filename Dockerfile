# codeact-env server image: OpenEnv-compatible HTTP/WebSocket endpoint on port 8000.
FROM node:22-slim AS build
WORKDIR /app
# isolated-vm is a native addon: it needs a toolchain when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Scripts off for the install (the package's `prepare` builds, and the sources are not copied yet);
# then the two packages that need their install step get it.
RUN npm ci --ignore-scripts && npm rebuild esbuild isolated-vm
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
# A fixed uid/gid: deploy/kubernetes runs the pod as 999 (runAsNonRoot needs a numeric user).
RUN groupadd --system --gid 999 codeact \
 && useradd --system --uid 999 --gid codeact --home-dir /app codeact
COPY --from=build --chown=codeact:codeact /app/package.json /app/openenv.yaml ./
COPY --from=build --chown=codeact:codeact /app/node_modules ./node_modules
COPY --from=build --chown=codeact:codeact /app/dist ./dist
USER codeact
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8000/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/cli/main.js", "serve", "--host", "0.0.0.0", "--port", "8000"]
