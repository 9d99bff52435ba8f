# The worker and the API (one image, two commands; see docker-compose.yml).
# tsx is a runtime dependency, so the production install (--omit=dev) runs the TypeScript sources as they are.
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
USER node
EXPOSE 3000
CMD ["npx", "tsx", "services/api/main.ts"]
