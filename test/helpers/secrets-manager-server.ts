/**
 * A local stand-in for AWS Secrets Manager's GetSecretValue (JSON 1.1 protocol), so the real
 * AWS SDK client can be tested without AWS: it answers SigV4-signed POSTs with
 * `X-Amz-Target: secretsmanager.GetSecretValue`, and counts the reads.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface SecretsManagerServer {
  url: string;
  secrets: Map<string, string>;
  /** SecretIds read, in order. */
  reads: string[];
  close(): Promise<void>;
}

export async function startSecretsManagerServer(): Promise<SecretsManagerServer> {
  const secrets = new Map<string, string>();
  const reads: string[] = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += String(chunk)));
    req.on("end", () => {
      const reply = (status: number, body: unknown, type?: string) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1", ...(type && { "x-amzn-errortype": type }) });
        res.end(JSON.stringify(body));
      };
      if (req.headers["x-amz-target"] !== "secretsmanager.GetSecretValue") return reply(400, { __type: "UnknownOperationException" }, "UnknownOperationException");
      if (!String(req.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 ")) {
        return reply(400, { __type: "MissingAuthenticationTokenException", message: "unsigned request" }, "MissingAuthenticationTokenException");
      }
      const { SecretId } = JSON.parse(raw) as { SecretId: string };
      reads.push(SecretId);
      const value = secrets.get(SecretId);
      if (value === undefined) {
        return reply(400, { __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." }, "ResourceNotFoundException");
      }
      reply(200, { ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${SecretId}`, Name: SecretId, SecretString: value, VersionId: "v1", CreatedDate: 1_700_000_000 });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secrets,
    reads,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
