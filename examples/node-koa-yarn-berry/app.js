const Koa = require('koa');
const Router = require('@koa/router');

const app = new Koa();
const router = new Router();
const port = process.env.PORT || 3000;

router.get('/', (ctx) => {
  ctx.type = 'text/plain';
  ctx.body = 'hello from node-koa-yarn-berry\n';
});

router.get('/healthz', (ctx) => {
  ctx.type = 'text/plain';
  ctx.body = 'ok\n';
});

app.use(router.routes()).use(router.allowedMethods());

app.listen(port, () => {
  console.log(`listening on port ${port}`);
});
