"use strict";

const express = require("express");
const { greeting } = require("@acme/lib");

const app = express();
const port = Number(process.env.PORT || 3000);

app.get("/", (req, res) => {
  res.type("text/plain").send(`hello from server: ${greeting("npm")}\n`);
});

app.get("/healthz", (req, res) => {
  res.type("text/plain").send("ok\n");
});

app.listen(port, "0.0.0.0", () => {
  console.log(`server listening on 0.0.0.0:${port}`);
});
