"use strict";

const Koa = require("koa");
const { label } = require("@berry/util");

const app = new Koa();
const port = Number(process.env.PORT || 3000);

app.use((ctx) => {
  if (ctx.method !== "GET") {
    ctx.status = 405;
    return;
  }
  if (ctx.path === "/healthz") {
    ctx.type = "text/plain";
    ctx.body = "ok\n";
    return;
  }
  if (ctx.path === "/") {
    ctx.type = "text/plain";
    ctx.body = `hello from web-api: ${label("yarn")}\n`;
    return;
  }
  ctx.status = 404;
  ctx.body = "not found\n";
});

app.listen(port, "0.0.0.0", () => {
  console.log(`web-api listening on 0.0.0.0:${port}`);
});
