/**
 * The sandbox launcher's program, as source for `node -e` (so it runs the same from the
 * TypeScript sources, the image's build and the hardened worker's bundle). A small Node
 * process that starts each Python sandbox for the worker and hands the worker the sandbox's
 * six stdio sockets over IPC. Why a second process: starting a child copies the page tables of
 * the process that starts it, and the worker is large (it keeps freed memory for the next job:
 * see malloc-tuning.ts). At 580 MB resident that copy blocked the worker's event loop 45 ms per
 * Python job here; the launcher stays near 40 MB and the worker's side is a few IPC messages.
 *
 * Messages in: {type: "spawn", id, command, args} and {type: "kill", id}. Out: six
 * {type: "fd", id, fd} each carrying a socket, then {type: "exit", id, code, signal}; or
 * {type: "error", id, message} when the command cannot start. When the worker goes (its IPC
 * channel closes, even on SIGKILL) the launcher kills every sandbox it started and exits.
 */
export const LAUNCHER_SOURCE = String.raw`"use strict";
const { spawn } = require("node:child_process");
const children = new Map();
const send = (message, handle, done) => { if (process.connected) process.send(message, handle, done); };
process.on("message", (m) => {
  if (m === null || typeof m !== "object") return;
  if (m.type === "kill") { children.get(m.id)?.kill("SIGKILL"); return; }
  if (m.type !== "spawn") return;
  let child;
  try {
    // An empty environment: the sandbox's own pid 1 keeps the one it was started with.
    child = spawn(m.command, m.args, { env: {}, stdio: ["pipe", "pipe", "pipe", "pipe", "pipe", "pipe"] });
  } catch (error) {
    send({ type: "error", id: m.id, message: String(error && error.message) });
    return;
  }
  child.on("error", (error) => { if (!children.has(m.id)) send({ type: "error", id: m.id, message: String(error && error.message) }); });
  if (child.pid === undefined) return;
  children.set(m.id, child);
  // Node's sockets for a child's stdio start reading as they are made, and what they read
  // here never reaches the worker: the sandbox's first bytes, its end-of-file (which would close
  // the socket before it is sent). Stop reading in this same tick, before any byte arrives.
  for (const socket of child.stdio) if (socket._handle) socket._handle.readStop();
  // Our copy of each socket closes once it is on its way: the sandbox sees end-of-file when
  // the worker closes its end, and the worker when the sandbox is gone.
  child.stdio.forEach((socket, fd) => send({ type: "fd", id: m.id, fd }, socket, () => socket.destroy()));
  child.on("exit", (code, signal) => {
    children.delete(m.id);
    send({ type: "exit", id: m.id, code, signal });
  });
});
process.on("disconnect", () => {
  for (const child of children.values()) child.kill("SIGKILL");
  process.exit(0);
});
`;
