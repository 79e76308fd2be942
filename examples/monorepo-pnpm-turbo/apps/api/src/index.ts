import { createServer } from "node:http";
import { greet } from "@demo/shared";

const port = Number(process.env.PORT || 3000);

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/healthz") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok\n");
    return;
  }
  if (req.method === "GET" && req.url === "/") {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`hello from api: ${greet("pnpm")}\n`);
    return;
  }
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("not found\n");
});

server.listen(port, "0.0.0.0", () => {
  console.log(`api listening on 0.0.0.0:${port}`);
});
