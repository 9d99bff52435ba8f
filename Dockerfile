# The worker and the API (one image, two commands; see docker-compose.yml).
# tsx is a runtime dependency, so the production install (--omit=dev) runs the API's TypeScript
# sources as they are. The worker is built to plain JavaScript at image build
# (services/worker/build.ts: dist/worker/main.js, the prebuilt workflow bundle, and dist/worker/run,
# which starts it with the node flags of services/worker/launch.ts, the same as `npm start`):
#   worker: CMD ["sh", "dist/worker/run"]
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
RUN npx tsx services/worker/build.ts
USER node
EXPOSE 3000
CMD ["npx", "tsx", "services/api/main.ts"]
