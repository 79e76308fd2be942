const Fastify = require('fastify');

const app = Fastify({ logger: true });
const port = Number(process.env.PORT) || 3000;

app.get('/', async (request, reply) => {
  reply.type('text/plain');
  return 'hello from node-fastify-pnpm\n';
});

app.get('/healthz', async (request, reply) => {
  reply.type('text/plain');
  return 'ok\n';
});

app.listen({ port, host: '0.0.0.0' }).catch((err) => {
  app.log.error(err);
  process.exit(1);
});
