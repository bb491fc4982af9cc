# One image for every role: `start` (all roles), `start --role poller|alerter|api`, `validate`, `watchlist`, `import`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
COPY bin ./bin
# The dashboard's source (issue #12): `npm run build` bundles it into dist/web with vite.
COPY web ./web
# npm ci runs `prepare`, which compiles TypeScript into dist/ and builds the dashboard into dist/web.
# The demo's development chain (hardhat) and SMTP sink (smtp-server) are optionalDependencies: left out here.
RUN npm ci && npm prune --omit=dev --omit=optional

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    CHAINWATCH_CONFIG=/app/config \
    PORT=8080
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY package.json ./
COPY config ./config
USER node
EXPOSE 8080
# Every role (poller, alerter, api, or all) serves /healthz on PORT, so this check works for each container.
# Set the port with PORT (not --port) in containers, so the check and the server agree.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/chainwatch.js"]
CMD ["start"]
