/**
 * One TLS connection to the MT5 bridge: certificate pinned by SHA-256, signed request lines,
 * responses matched by id, a timeout per call. A timeout or a lost connection fails every call in
 * flight and leaves the connection closed; `BridgeClient` decides about retries.
 */
import { timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import tls from "node:tls";
import { AuthFailedError, BrokerProtocolError, BrokerTimeoutError, BrokerUnavailableError, type BrokerError } from "../broker.js";
import { signEnvelope } from "./envelope.js";
import { LineReader } from "./line-reader.js";
import { rpcError, type RpcErrorObject } from "./rpc-errors.js";

export interface BridgeEndpoint {
  host: string;
  port: number;
  /** SHA-256 of the bridge's DER certificate: 64 lower-case hex digits. */
  fingerprint: string;
  token: string;
}

interface Pending {
  method: string;
  params: Record<string, unknown>;
  resolve: (value: unknown) => void;
  reject: (error: BrokerError) => void;
  timer: NodeJS.Timeout;
}

function sameFingerprint(presented: string | undefined, pinned: string): boolean {
  const a = Buffer.from((presented ?? "").replaceAll(":", "").toLowerCase(), "utf8");
  const b = Buffer.from(pinned, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

export class BridgeConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly reader = new LineReader();
  private closedBy: BrokerError | undefined;

  private constructor(
    private readonly socket: tls.TLSSocket,
    private readonly endpoint: BridgeEndpoint,
  ) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => this.fail(new BrokerUnavailableError(`connection to the MT5 bridge at ${this.where()} failed`)));
    socket.on("close", () => this.fail(new BrokerUnavailableError(`the MT5 bridge at ${this.where()} closed the connection`)));
  }

  /** Connects, completes TLS and checks the pin before anything is sent. */
  static open(endpoint: BridgeEndpoint, timeoutMs: number): Promise<BridgeConnection> {
    const where = `${endpoint.host}:${endpoint.port}`;
    return new Promise((resolve, reject) => {
      const socket = tls.connect({
        host: endpoint.host,
        port: endpoint.port,
        minVersion: "TLSv1.2",
        // No CA signs the bridge's self-signed certificate: trust comes from the pin, checked
        // below on every handshake before the first request is written. (Node's
        // checkServerIdentity only runs after a CA chain check, which a pin replaces.)
        rejectUnauthorized: false,
        ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }),
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new BrokerTimeoutError(`TLS connection to the MT5 bridge at ${where} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new BrokerUnavailableError(`cannot connect to the MT5 bridge at ${where} (${error.code ?? error.message})`, { cause: error }));
      });
      socket.once("secureConnect", () => {
        clearTimeout(timer);
        const presented = socket.getPeerCertificate().fingerprint256;
        if (!sameFingerprint(presented, endpoint.fingerprint)) {
          socket.destroy();
          reject(new AuthFailedError(`the MT5 bridge at ${where} presented certificate ${presented ?? "(none)"}, not the pinned one: check cert_fingerprint, or someone is in the way`));
          return;
        }
        socket.removeAllListeners("error");
        resolve(new BridgeConnection(socket, endpoint));
      });
    });
  }

  get closed(): boolean {
    return this.closedBy !== undefined;
  }

  /** Sends one request and waits for its response, at most `timeoutMs`. */
  call(method: string, params: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    if (this.closedBy) return Promise.reject(this.closedBy);
    const id = this.nextId++;
    const body = JSON.stringify({ jsonrpc: "2.0", id, method, params });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // Answers come in order, so a late one would hold up every later call: start afresh.
        this.fail(new BrokerTimeoutError(`the MT5 bridge did not answer ${method} within ${timeoutMs} ms`), id);
      }, timeoutMs);
      this.pending.set(id, { method, params, resolve, reject, timer });
      this.socket.write(signEnvelope(this.endpoint.token, body));
    });
  }

  close(): void {
    this.fail(new BrokerUnavailableError(`connection to the MT5 bridge at ${this.where()} was closed`));
  }

  private where(): string {
    return `${this.endpoint.host}:${this.endpoint.port}`;
  }

  private onData(chunk: Buffer): void {
    let lines: string[];
    try {
      lines = this.reader.push(chunk);
    } catch (error) {
      this.fail(new BrokerProtocolError((error as Error).message));
      return;
    }
    for (const line of lines) this.onLine(line);
  }

  private onLine(line: string): void {
    let message: { id?: unknown; result?: unknown; error?: RpcErrorObject };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      this.fail(new BrokerProtocolError("the MT5 bridge sent a line that is not JSON"));
      return;
    }
    // An id the bridge could not read comes back null: answers are in order, so it is the oldest call's.
    const id = typeof message.id === "number" ? message.id : message.id === null ? this.pending.keys().next().value : undefined;
    const call = id === undefined ? undefined : this.pending.get(id);
    if (!call) return; // the answer to a call that already timed out
    this.pending.delete(id!);
    clearTimeout(call.timer);
    if (message.error) call.reject(rpcError(call.method, call.params, message.error));
    else if ("result" in message) call.resolve(message.result);
    else call.reject(new BrokerProtocolError(`the MT5 bridge answered ${call.method} with neither result nor error`));
  }

  /** Closes the connection and fails every call in flight; `cause` goes to call `causeId`. */
  private fail(error: BrokerError, causeId?: number): void {
    this.closedBy ??= error;
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(
        id === causeId || causeId === undefined
          ? error
          : new BrokerUnavailableError(`connection to the MT5 bridge was reset while ${call.method} waited (another call timed out)`),
      );
    }
    this.pending.clear();
    this.socket.destroy();
  }
}
