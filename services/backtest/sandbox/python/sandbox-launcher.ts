/**
 * Starts sandbox processes through the launcher process (launcher-source.ts) instead of from
 * this one, so the cost of starting a child does not grow with this process's memory and never
 * blocks its event loop. A `LaunchedProcess` looks like the part of Node's ChildProcess that
 * runs a job needs: its six stdio sockets, `kill()`, the exit status, and "close" once it has
 * exited and every socket has closed. One launcher per process, started on first use and
 * again after it dies; it never keeps this process alive.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { SandboxCancelledError, SandboxFailedError } from "../errors.js";
import { LAUNCHER_SOURCE } from "./launcher-source.js";

/** stdin, stdout, stderr, then fds 3-5 of the sandbox. */
const FDS = 6;

type LauncherMessage =
  | { type: "fd"; id: number; fd: number }
  | { type: "exit"; id: number; code: number | null; signal: NodeJS.Signals | null }
  | { type: "error"; id: number; message: string };

interface LaunchOptions {
  /** How long the launcher may take to hand over the sockets. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * A sandbox started by the launcher. Events: "close" (code, signal) once it has exited and its
 * sockets have closed (what it wrote and nobody read is dropped), and "error" if the launcher
 * dies first.
 */
export class LaunchedProcess extends EventEmitter {
  #code: number | null = null;
  #signal: NodeJS.Signals | null = null;
  #exited = false;
  #open: number;

  constructor(
    readonly stdio: readonly Socket[],
    private readonly killer: () => void,
  ) {
    super();
    this.#open = stdio.length;
    for (const socket of stdio) {
      socket.on("error", () => {});
      // A socket with nothing to read may have seen its end already, as it came over IPC.
      if (socket.closed) {
        this.#open--;
        continue;
      }
      socket.once("close", () => {
        this.#open--;
        this.#maybeClose();
      });
    }
  }

  get stdin(): Socket {
    return this.stdio[0]!;
  }
  get stdout(): Socket {
    return this.stdio[1]!;
  }
  get stderr(): Socket {
    return this.stdio[2]!;
  }

  kill(): void {
    if (!this.#exited) this.killer();
  }

  /** Called by the launcher: the sandbox exited. */
  exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.#exited = true;
    this.#code = code;
    this.#signal = signal;
    // Sockets nobody reads (stdin, an unused fd) would never see their end-of-file: drain them.
    for (const socket of this.stdio) if (socket.readableFlowing !== true) socket.resume();
    this.#maybeClose();
  }

  /** Called by the launcher when it died: the sandbox went with it (bwrap --die-with-parent). */
  lost(error: Error): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#signal = "SIGKILL";
    this.emit("error", error);
    for (const socket of this.stdio) socket.destroy();
  }

  #maybeClose(): void {
    if (this.#exited && this.#open === 0) this.emit("close", this.#code, this.#signal);
  }
}

interface Launch {
  /** The launcher asked to start it: its death fails only its own launches. */
  launcher: ChildProcess;
  sockets: Socket[];
  received: number;
  resolve: (process: LaunchedProcess) => void;
  reject: (error: Error) => void;
  process?: LaunchedProcess;
}

export class SandboxLauncher {
  #child: ChildProcess | undefined;
  #launches = new Map<number, Launch>();
  #nextId = 1;

  constructor(
    /** Node flags for the launcher; under the permission model it may only start processes. */
    private readonly nodeFlags: string[] = defaultNodeFlags(),
    private readonly node: string = process.execPath,
  ) {}

  /** Starts `command` in the launcher; resolves once its six sockets are here. */
  spawn(command: string, args: string[], options: LaunchOptions): Promise<LaunchedProcess> {
    if (options.signal?.aborted) return Promise.reject(new SandboxCancelledError());
    const child = this.#launcher();
    const id = this.#nextId++;
    return new Promise<LaunchedProcess>((resolve, reject) => {
      const timer = setTimeout(() => fail(new SandboxFailedError(`the sandbox launcher did not start the sandbox within ${options.timeoutMs} ms`)), options.timeoutMs);
      const onAbort = () => fail(new SandboxCancelledError());
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
      };
      const fail = (error: Error) => {
        done();
        const launch = this.#launches.get(id);
        this.#launches.delete(id);
        for (const socket of launch?.sockets ?? []) socket?.destroy();
        // Never handed over: whatever the launcher started for it must not run on.
        child.send({ type: "kill", id }, () => {});
        reject(error);
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.#launches.set(id, {
        launcher: child,
        sockets: [],
        received: 0,
        resolve: (process) => {
          done();
          resolve(process);
        },
        reject: fail,
      });
      child.send({ type: "spawn", id, command, args }, (error) => {
        if (error) fail(new SandboxFailedError(`cannot reach the sandbox launcher: ${error.message}`, { cause: error }));
      });
    });
  }

  /** Stops the launcher; the sandboxes it started are killed with it, the next spawn starts another. */
  close(): void {
    this.#child?.kill("SIGKILL");
    this.#child = undefined;
  }

  #launcher(): ChildProcess {
    if (this.#child !== undefined) return this.#child;
    const child = spawn(this.node, [...this.nodeFlags, "-e", LAUNCHER_SOURCE], { env: {}, stdio: ["ignore", "ignore", "inherit", "ipc"] });
    child.on("message", (message: LauncherMessage, handle?: Socket) => this.#onMessage(message, handle));
    let gone = false;
    const onGone = (what: string) => {
      if (gone) return;
      gone = true;
      if (this.#child === child) this.#child = undefined;
      const error = new SandboxFailedError(`the sandbox launcher ${what}; its sandboxes went with it`);
      for (const [id, launch] of this.#launches) {
        if (launch.launcher !== child) continue;
        if (launch.process === undefined) {
          launch.reject(error);
        } else {
          this.#launches.delete(id);
          launch.process.lost(error);
        }
      }
    };
    child.once("exit", (code, signal) => onGone(`exited (${signal ?? `code ${code}`})`));
    // Only a launcher that could not start (EAGAIN at the pids limit) ends without "exit": the
    // next job must try again, not send to a process that never was.
    child.on("error", (error) => {
      if (child.pid === undefined) onGone(`could not start (${error.message})`);
    });
    // Neither the launcher nor its channel keeps this process alive: a job in flight does.
    child.unref();
    child.channel?.unref();
    this.#child = child;
    return child;
  }

  #onMessage(message: LauncherMessage, handle: Socket | undefined): void {
    const launch = this.#launches.get(message.id);
    if (launch === undefined) {
      handle?.destroy();
      return;
    }
    if (message.type === "error") {
      launch.reject(new SandboxFailedError(`cannot start the Python sandbox: ${message.message}`));
    } else if (message.type === "fd") {
      if (handle === undefined || launch.sockets[message.fd] !== undefined || message.fd >= FDS) return;
      launch.sockets[message.fd] = handle;
      if (++launch.received < FDS) return;
      launch.process = new LaunchedProcess(launch.sockets, () => this.#child?.send({ type: "kill", id: message.id }, () => {}));
      launch.resolve(launch.process);
    } else if (message.type === "exit") {
      if (launch.process === undefined) launch.reject(new SandboxFailedError(`the sandbox exited (${message.signal ?? `code ${message.code}`}) before its sockets were handed over`));
      this.#launches.delete(message.id);
      launch.process?.exited(message.code, message.signal);
    }
  }
}

/** Under Node's permission model the launcher gets only what it needs: starting processes. */
function defaultNodeFlags(): string[] {
  const permission = (process as { permission?: unknown }).permission;
  return permission === undefined ? [] : ["--experimental-permission", "--allow-child-process", "--no-warnings"];
}
