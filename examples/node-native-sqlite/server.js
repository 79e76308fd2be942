const express = require('express');
const Database = require('better-sqlite3');

const db = new Database(':memory:');
db.exec("CREATE TABLE greetings (id INTEGER PRIMARY KEY, message TEXT NOT NULL)");
db.prepare('INSERT INTO greetings (message) VALUES (?)').run('hello from better-sqlite3');

const app = express();

app.get('/', (req, res) => {
  const row = db.prepare('SELECT message, sqlite_version() AS version FROM greetings WHERE id = 1').get();
  res.send(`${row.message} (SQLite ${row.version})\n`);
});

const port = process.env.PORT || 3000;
app.listen(port, () => {
  console.log(`Listening on port ${port}`);
});
