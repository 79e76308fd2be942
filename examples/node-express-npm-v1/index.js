const express = require('express');

const app = express();

app.get('/', (req, res) => {
  res.type('text/plain').send('hello from node-express-npm-v1\n');
});

app.get('/healthz', (req, res) => {
  res.type('text/plain').send('ok\n');
});

app.listen(8080, () => {
  console.log('listening on port 8080');
});
