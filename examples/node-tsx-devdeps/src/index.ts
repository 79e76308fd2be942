import { createServer } from "node:http";
const port: number = Number(process.env.PORT ?? 3000);
createServer((_req, res) => { res.end("ok from ts"); }).listen(port, "0.0.0.0");
