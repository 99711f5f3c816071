#!/usr/bin/env node
// The container health probe (the image's HEALTHCHECK and the targets' healthcheck command):
// GET http://127.0.0.1:<port><path>, exit 0 on a 200 within 3 s, else exit 1 with one line
// on stderr saying why (Docker keeps it in the container's health log).
//
// Port: the first argument, else MCP_PORT (the variable the MCP services listen on), else 8000.
// Path: the second argument (a descriptor's health path), else /healthz.
// Plain JavaScript with Node built-ins only, so a probe costs a bare `node` start, not the CLI's.
import { request } from "node:http";
import process from "node:process";

const TIMEOUT_MS = 3000;

const raw = process.argv[2] ?? process.env.MCP_PORT ?? "8000";
const port = Number(raw);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write(`healthcheck: ${JSON.stringify(raw)} is not a port number 1-65535\n`);
  process.exit(1);
}

const path = process.argv[3] ?? "/healthz";
if (!/^\/[\w\-./]*$/.test(path)) {
  process.stderr.write(`healthcheck: ${JSON.stringify(path)} is not an absolute URL path\n`);
  process.exit(1);
}

const url = `http://127.0.0.1:${port}${path}`;

function fail(reason) {
  process.stderr.write(`healthcheck: ${url} ${reason}\n`);
  process.exit(1);
}

const req = request(url, { method: "GET", timeout: TIMEOUT_MS }, (res) => {
  res.resume();
  if (res.statusCode === 200) process.exit(0);
  fail(`answered ${res.statusCode}`);
});
req.on("timeout", () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)));
req.on("error", (error) => fail(error.message));
req.end();
