/**
 * Serves one MCP server over stdio until the client closes the stream. If the transport closes
 * on its own (one line over the SDK's 10 MiB buffer), the server can never answer again: stdin
 * is released and this rejects with StdioTransportError, so the CLI writes one line and exits 1
 * and the client sees the server is gone instead of waiting on a silent process.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { STDIO_DEFAULT_MAX_BUFFER_SIZE } from "@modelcontextprotocol/sdk/shared/stdio.js";
import { QuantMindError } from "../errors.js";

/** The stdio transport failed and closed; the server cannot go on. */
export class StdioTransportError extends QuantMindError {
  constructor(message: string, options?: ErrorOptions) {
    super("STDIO_FAILED", message, options);
  }
}

export async function serveStdio(server: McpServer): Promise<void> {
  const transport = new StdioServerTransport();
  let failure: Error | undefined;
  let stdinEnded = false;
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once("end", () => {
      stdinEnded = true;
      resolve();
    });
  });
  await server.connect(transport);
  // The server's own handler (set by connect) would only report it; keep the error that closed us.
  const reportedBySdk = transport.onerror;
  transport.onerror = (error) => {
    failure ??= error;
    reportedBySdk?.(error);
  };
  await closed;
  await server.close();
  if (stdinEnded || failure === undefined) return;
  process.stdin.destroy(); // paused but open, it would keep the process alive
  throw new StdioTransportError(describe(failure), { cause: failure });
}

function describe(error: Error): string {
  if (/exceeded maximum size/.test(error.message)) {
    return (
      `a message on stdin is over the ${STDIO_DEFAULT_MAX_BUFFER_SIZE / (1024 * 1024)} MiB limit ` +
      `(${STDIO_DEFAULT_MAX_BUFFER_SIZE} bytes): the stdio transport closed and the server stopped`
    );
  }
  return `the stdio transport failed (${error.message}) and the server stopped`;
}
