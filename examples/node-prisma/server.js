const express = require('express');
const { PrismaClient } = require('@prisma/client');
const { PrismaBetterSQLite3 } = require('@prisma/adapter-better-sqlite3');

// DATABASE_URL (e.g. file:/data/app.db) is provided at runtime.
const databaseUrl = process.env.DATABASE_URL;
const prisma = databaseUrl
  ? new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: databaseUrl }) })
  : null;

const app = express();

app.get('/', async (req, res) => {
  let body = 'hello';
  if (prisma) {
    try {
      const visits = await prisma.visit.count();
      body += ` (${visits} visits recorded)`;
    } catch (err) {
      // Database not migrated yet (or unreachable): still answer.
      console.error('database query failed:', err.message);
    }
  }
  res.send(body + '\n');
});

const port = process.env.PORT || 3000;
app.listen(port, () => {
  console.log(`Listening on port ${port}`);
});
