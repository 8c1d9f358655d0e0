import { defineConfig } from 'prisma/config';

// The Prisma CLI is used here only for `generate`; migrations run through src/db/migrate.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
