const express = require('express');

const app = express();
const port = process.env.PORT || 3000;

app.get('/', (req, res) => {
  res.type('text/plain').send('hello from node-express-yarn-classic\n');
});

app.get('/healthz', (req, res) => {
  res.type('text/plain').send('ok\n');
});

app.listen(port, () => {
  console.log(`listening on port ${port}`);
});
