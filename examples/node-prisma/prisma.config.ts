import { defineConfig } from 'prisma/config'
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3'

// `prisma generate` runs from `postinstall`, usually at image build time when
// DATABASE_URL is not set yet. Give env("DATABASE_URL") in the schema a
// placeholder so generation works; the real URL is provided at runtime.
process.env.DATABASE_URL ??= 'file:./dev.db'

// Rust-free setup: the JavaScript schema engine plus the better-sqlite3 driver
// adapter, so no Prisma engine binaries are downloaded during install.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () => new PrismaBetterSQLite3({ url: process.env.DATABASE_URL }),
})
