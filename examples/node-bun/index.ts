import { Hono } from "hono";

const app = new Hono();

app.get("/", (c) => c.text("hello from node-bun\n"));
app.get("/healthz", (c) => c.text("ok\n"));

const server = Bun.serve({
  port: Number(process.env.PORT) || 3000,
  hostname: "0.0.0.0",
  fetch: app.fetch,
});

console.log(`listening on ${server.hostname}:${server.port}`);
