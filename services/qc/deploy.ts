/**
 * How the QuantConnect MCP server deploys: an MCP container on the Docker targets; on aws a
 * Lambda behind API Gateway, reading its credentials and its clients' key from Secrets Manager.
 * Both read QcEnvSchema (config.ts).
 */
import { CONTAINER_DATA_DIR, defineService, type EnvName } from "../../infra/descriptor.js";
import type { QcEnvSchema } from "./config.js";

export const QC_MCP_PORT = 8001;

type QcVariable = EnvName<typeof QcEnvSchema>;

const mcp = { clientName: "quantmind-qc", apiKeySecret: "qcMcpApiKey" } as const;

export const qcMcpDeploy = defineService<QcVariable>({
  name: "qc-mcp",
  description: "QuantConnect API v2 MCP server over Streamable HTTP",
  targets: ["local", "vps", "aws"],
  run: {
    shape: { kind: "mcp", port: QC_MCP_PORT, mcp },
    command: ["serve", "qc", "--transport", "http", "--host", "0.0.0.0", "--port", String(QC_MCP_PORT)],
    env: { QM_DATA_DIR: () => CONTAINER_DATA_DIR, LOG_LEVEL: (c) => c.logLevel },
    secrets: { QC_USER_ID: "qcUserId", QC_API_TOKEN: "qcApiToken", MCP_API_KEY: "qcMcpApiKey" },
    tmpfsPaths: ["/tmp"],
    limits: { memoryMb: 512, cpus: 0.5, pidsLimit: 128 },
    backends: [],
    stateless: true,
  },
  runOn: {
    aws: {
      shape: {
        kind: "lambda",
        mcp,
        // Lazily: esbuild and the tool list load only when a stack deploys the Lambda.
        bundle: async () => {
          const { bundleQcLambda, DEFAULT_OUT_DIR } = await import("../../scripts/build-qc-lambda.js");
          return (await bundleQcLambda(DEFAULT_OUT_DIR)).file;
        },
        handler: "index.handler",
        memoryMb: 1024,
        timeoutSeconds: 30,
        // By reference: Lambda environment is readable in plain text with lambda:GetFunctionConfiguration.
        secretRefs: {
          // One JSON secret, re-read after a TTL, so a rotated token reaches the function without a redeploy.
          QC_SECRETS_ARN: {
            id: "credentials",
            namePrefix: "qc-credentials-",
            description: "QuantConnect credentials for the QuantConnect MCP Lambda: {userId, apiToken}",
            value: { userId: "qcUserId", apiToken: "qcApiToken" },
          },
          // The key clients send, for the handler's own check behind API Gateway's (defence in depth).
          MCP_API_KEY_ARN: { id: "client-key", namePrefix: "qc-mcp-api-key-", description: "the API key QuantConnect MCP clients send (x-api-key)", value: "qcMcpApiKey" },
        },
      },
      command: [],
      env: { LOG_LEVEL: (c) => c.logLevel },
      secrets: {},
      tmpfsPaths: [],
      limits: { memoryMb: 1024, cpus: 1, pidsLimit: 128 },
      backends: [],
      stateless: true,
    },
  },
  parse: async (env) => (await import("./config.js")).loadQcConfig(env),
});
