/**
 * The knowledge base in containers, as the Docker targets run it: the kb-indexer job to
 * completion, then the kb-mcp daemon until healthy, both from the project's image with the
 * catalogue's command, environment, secrets and hardening.
 *
 * There is no Qdrant image here, so both use the embedded store (QDRANT_URL unset) on a shared
 * named volume: QM_DATA_DIR points at the image's data directory, where the volume takes its
 * owner from the image. The articles are a part of data/articles, mounted read-only.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { SERVICE_CATALOGUE } from "../../../infra/catalogue.js";
import { mcpOf, runtimeOn, secretEntries } from "../../../infra/descriptor.js";
import { serviceCreateArgs, serviceHardening, type ContainerService } from "./container-args.js";
import { containerLogs, createContainer, removeContainers, startContainer, waitForExit, waitForHealthy } from "./containers.js";
import { docker } from "./docker-cli.js";
import { freePort } from "./free-port.js";
import { REPO_ROOT } from "./image.js";
import { createVolume, resourceName, type ContainerRun } from "./run.js";
import { createSecretsVolume } from "./secrets-volume.js";
import { TEST_CONTEXT } from "../../helpers/deploy-context.js";

/** The image's data directory (Dockerfile), owned by the service user. */
export const KB_DATA_DIR = "/var/lib/quantmind";
export const KB_ARTICLES_DIR = "/articles";


/** A catalogue service as the local target runs it. */
export function catalogueEntry(name: string): ContainerService {
  const entry = SERVICE_CATALOGUE.find((s) => s.name === name);
  const runtime = entry && runtimeOn(entry, "local");
  if (!runtime) throw new Error(`no ${name} on the local target in SERVICE_CATALOGUE`);
  return { ...runtime, name };
}

export interface KbStack {
  /** The MCP API key kb-mcp received as a secret file. */
  apiKey: string;
  /** kb-mcp's port on 127.0.0.1. */
  port: number;
  indexer: { name: string; exitCode: number; seconds: number; output: string };
  mcp: { name: string; secondsToHealthy: number };
  dataVolume: string;
  secretsVolumes: string[];
  remove(): Promise<void>;
}

export interface KbStackOptions {
  /** Categories of data/articles to index; default one, to keep the run short. */
  categories?: readonly string[];
}

export async function startKbStack(run: ContainerRun, options: KbStackOptions = {}): Promise<KbStack> {
  const categories = options.categories ?? ["risk-management"];
  // One value per stack secret, as `pulumi config set --secret` would hold it.
  const stackSecrets = new Map<string, string>();
  const secretFiles = (service: ContainerService) =>
    Object.fromEntries(
      secretEntries(service).map(([variable, key]) => {
        if (!stackSecrets.has(key)) stackSecrets.set(key, randomBytes(24).toString("base64url"));
        return [variable, stackSecrets.get(key)!];
      }),
    );
  const embedded = { QDRANT_URL: undefined, QM_DATA_DIR: KB_DATA_DIR, KB_ARTICLES_DIR };

  const containers: string[] = [];
  const volumes: string[] = [];
  const remove = async () => {
    await removeContainers(...containers);
    if (volumes.length > 0) await docker(["volume", "rm", "-f", ...volumes], { allowFailure: true });
  };
  try {
    const dataVolume = await createVolume(run, "kb-data");
    volumes.push(dataVolume);
    const mounts = [
      `${dataVolume}:${KB_DATA_DIR}`,
      ...categories.map((c) => `${path.join(REPO_ROOT, "data", "articles", c)}:${KB_ARTICLES_DIR}/${c}:ro`),
    ];
    const launch = async (service: ContainerService, port?: number) => {
      const name = resourceName(run, service.name);
      const secretsVolume = await createSecretsVolume(run, {
        role: `${service.name}-secrets`,
        image: run.image,
        owner: serviceHardening(service).user,
        files: secretFiles(service),
      });
      volumes.push(secretsVolume);
      await createContainer(serviceCreateArgs({ run, name, service, context: TEST_CONTEXT, env: embedded, secretsVolume, port, mounts }));
      containers.push(name);
      await startContainer(name);
      return { name, secretsVolume };
    };

    const indexer = await launch(catalogueEntry("kb-indexer"));
    const exit = await waitForExit(indexer.name);
    const output = await containerLogs(indexer.name, 200);
    if (exit.exitCode !== 0) throw new Error(`kb-indexer exited with ${exit.exitCode}:\n${output}`);

    const port = await freePort();
    const mcp = await launch(catalogueEntry("kb-mcp"), port);
    const secondsToHealthy = await waitForHealthy(mcp.name);
    const apiKey = stackSecrets.get(mcpOf(catalogueEntry("kb-mcp").shape)!.apiKeySecret)!;
    return {
      apiKey,
      port,
      indexer: { name: indexer.name, ...exit, output },
      mcp: { name: mcp.name, secondsToHealthy },
      dataVolume,
      secretsVolumes: [indexer.secretsVolume, mcp.secretsVolume],
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
