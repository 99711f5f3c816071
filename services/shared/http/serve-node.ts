/** Serves a fetch handler on Node's HTTP server; resolves once it is listening. */
import type { Server } from "node:http";
import { serve, type ServerType } from "@hono/node-server";
import { ConfigError } from "../errors.js";

export interface RunningHttpServer {
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  port: number;
  /**
   * Stops accepting connections and lets in-flight requests finish (up to the grace period),
   * then closes whatever is still open; resolves once the server is closed.
   */
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Errors the server raises after it is listening; default: a line on stderr. */
  onError?: (error: Error) => void;
  /** How long `close()` waits for in-flight requests before cutting them; default 5 s. */
  closeGraceMs?: number;
}

export const DEFAULT_CLOSE_GRACE_MS = 5000;

/** How often idle keep-alive sockets are closed while draining: a socket goes idle once its response ends. */
const DRAIN_POLL_MS = 50;

export function serveHttp(
  fetch: (request: Request) => Response | Promise<Response>,
  options: ServeOptions,
): Promise<RunningHttpServer> {
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined = undefined;
    const onError = (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new ConfigError(`port ${options.port} on ${host} is already in use: pick another with --port or MCP_PORT`)
          : error,
      );
    server = serve({ fetch, hostname: host, port: options.port }, (info) => {
      server!.off("error", onError);
      // Without a listener a later socket-level error would crash the process.
      server!.on("error", options.onError ?? ((error) => process.stderr.write(`http server error: ${error.message}\n`)));
      const shownHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        port: info.port,
        close: () => closeGracefully(server as Server, options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS),
      });
    });
    server.once("error", onError);
  });
}

function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((done) => {
    // Idle keep-alive sockets would otherwise hold close() open until their timeout.
    const drain = setInterval(() => server.closeIdleConnections(), DRAIN_POLL_MS);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(drain);
      clearTimeout(cut);
      done();
    });
    server.closeIdleConnections();
  });
}
