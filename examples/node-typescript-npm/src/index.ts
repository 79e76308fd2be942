import express, { Request, Response } from "express";

const app = express();
const port = Number(process.env.PORT) || 3000;

app.get("/", (_req: Request, res: Response) => {
  res.type("text/plain").send("hello from node-typescript-npm\n");
});

app.get("/healthz", (_req: Request, res: Response) => {
  res.type("text/plain").send("ok\n");
});

app.listen(port, () => {
  console.log(`listening on port ${port}`);
});
