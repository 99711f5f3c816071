/**
 * `docker create` arguments for a catalogue service or a backend, the way the Docker targets
 * deploy them (infra/components/docker): the shared hardening flags, the catalogue's command and
 * environment, secrets as files under /run/secrets, the shared health probe and its timing.
 *
 * What differs is forced by the test machine and kept to the network: every container runs on
 * the host network (there is no bridge here) with its HTTP port on 127.0.0.1 and a free port,
 * where the targets use a private network and `--host 0.0.0.0 --port 8000` inside it. Callers
 * may override environment variables (the tests use the embedded store, for lack of Qdrant).
 */
import type { BackendDefinition } from "../../../infra/backends.js";
import { HEALTHCHECK_TIMING, healthcheckCommand, SECRETS_DIR, secretFilePath } from "../../../infra/container-conventions.js";
import { resolveEnv, httpOf, isLongRunning, type DeployContext, type Runtime } from "../../../infra/descriptor.js";
import { containerHardening, dockerRunHardeningFlags, type ContainerHardening } from "../../../infra/hardening.js";
import { runLabels, type ContainerRun } from "./run.js";

/** A service's runtime on the Docker targets, with its name. */
export type ContainerService = Runtime & { name: string };

/** The hardening the Docker targets give a catalogue service. */
export function serviceHardening(service: ContainerService): ContainerHardening {
  return containerHardening({ ...service.limits, tmpfsPaths: service.tmpfsPaths, userNamespaces: service.userNamespaces ?? false });
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Health flags for a probe in Docker's form (`["CMD", ...]` or `["CMD-SHELL", "..."]`) with
 * {@link HEALTHCHECK_TIMING}. The CLI has no exec form, so CMD becomes the same words for `sh -c`.
 */
export function healthcheckFlags(test: readonly string[]): string[] {
  const [kind, ...rest] = test;
  let command: string;
  if (kind === "CMD" && rest.length > 0) command = rest.map(shellWord).join(" ");
  else if (kind === "CMD-SHELL" && rest.length === 1) command = rest[0]!;
  else throw new Error(`unsupported healthcheck ${JSON.stringify(test)}`);
  const t = HEALTHCHECK_TIMING;
  return [
    "--health-cmd", command,
    "--health-interval", `${t.intervalSeconds}s`,
    "--health-timeout", `${t.timeoutSeconds}s`,
    "--health-start-period", `${t.startPeriodSeconds}s`,
    "--health-retries", String(t.retries),
  ];
}

/** The catalogue command with its `--host` and `--port` values set for the host network. */
export function onHostNetwork(command: readonly string[], port: number): string[] {
  const result = [...command];
  for (const [flag, value] of [["--host", "127.0.0.1"], ["--port", String(port)]] as const) {
    const at = result.indexOf(flag);
    if (at < 0 || at + 1 >= result.length) {
      throw new Error(`catalogue command ${JSON.stringify(command)} has no ${flag} value to bind on the host network`);
    }
    result[at + 1] = value;
  }
  return result;
}

export interface ServiceSpec {
  run: ContainerRun;
  /** Container name. */
  name: string;
  service: ContainerService;
  context: DeployContext;
  /** Environment overrides on top of the catalogue's; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Volume holding the service's secret files; required when the service has secrets. */
  secretsVolume?: string;
  /** Port on 127.0.0.1 for a service with an HTTP port. */
  port?: number;
  /** Further `-v` specifications (data volumes, read-only article mounts). */
  mounts?: string[];
  /** The file holding infra/seccomp.ts's profile, for a service with `userNamespaces`. */
  seccompProfile?: string;
}

export function serviceCreateArgs(spec: ServiceSpec): string[] {
  const { service } = spec;
  const secretVariables = Object.keys(service.secrets);
  const http = httpOf(service.shape);
  if (secretVariables.length > 0 && spec.secretsVolume === undefined) {
    throw new Error(`${service.name} has secrets (${secretVariables.join(", ")}): pass the volume holding them`);
  }
  if (http !== undefined && spec.port === undefined) throw new Error(`${service.name} listens on a port: pass one`);
  const env: Record<string, string | undefined> = {
    ...resolveEnv(service, spec.context),
    ...Object.fromEntries(secretVariables.map((variable) => [`${variable}_FILE`, secretFilePath(variable)])),
    ...spec.env,
  };
  const isProbed = isLongRunning(service.shape) && http !== undefined;
  return [
    "create", "--name", spec.name, ...runLabels(spec.run),
    "--network", "host",
    ...dockerRunHardeningFlags(serviceHardening(service), { seccompProfile: spec.seccompProfile }),
    ...(spec.secretsVolume !== undefined ? ["-v", `${spec.secretsVolume}:${SECRETS_DIR}:ro`] : []),
    ...(spec.mounts ?? []).flatMap((mount) => ["-v", mount]),
    ...Object.entries(env).flatMap(([name, value]) => (value === undefined ? [] : ["-e", `${name}=${value}`])),
    // A job has no port to probe; the image's HEALTHCHECK would only mark it unhealthy.
    ...(isProbed ? healthcheckFlags(healthcheckCommand(spec.port!, http.healthPath)) : ["--no-healthcheck"]),
    spec.run.image,
    ...(http !== undefined ? onHostNetwork(service.command, spec.port!) : service.command),
  ];
}

export interface BackendSpec {
  run: ContainerRun;
  name: string;
  backend: BackendDefinition;
  /** Volume holding the backend's configuration file. */
  secretsVolume: string;
  /** A named volume for each of the backend's volume roles. */
  volumes: Record<string, string>;
}

export function backendCreateArgs(spec: BackendSpec): string[] {
  const { backend } = spec;
  const mounts = Object.entries(backend.volumes).map(([role, path]) => {
    const volume = spec.volumes[role];
    if (volume === undefined) throw new Error(`no volume for ${role} (${path})`);
    return ["-v", `${volume}:${path}`];
  });
  return [
    "create", "--name", spec.name, ...runLabels(spec.run),
    "--network", "host",
    ...dockerRunHardeningFlags(backend.hardening),
    "-v", `${spec.secretsVolume}:${SECRETS_DIR}:ro`,
    ...mounts.flat(),
    ...healthcheckFlags(backend.healthcheck),
    backend.image,
    ...backend.command,
  ];
}
