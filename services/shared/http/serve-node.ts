/** Serves a fetch handler on Node's HTTP server; resolves once it is listening. */
import { serve, type ServerType } from "@hono/node-server";
import { ConfigError } from "../errors.js";

export interface RunningHttpServer {
  /** Base URL, e.g. `http://127.0.0.1:8000`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** Errors the server raises after it is listening; default: a line on stderr. */
  onError?: (error: Error) => void;
}

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
        close: () =>
          new Promise((done) => {
            server!.close(() => done());
            // Idle keep-alive sockets would otherwise hold close() open for seconds.
            if ("closeAllConnections" in server!) server.closeAllConnections();
          }),
      });
    });
    server.once("error", onError);
  });
}
