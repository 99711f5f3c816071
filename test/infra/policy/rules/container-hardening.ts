/** container-hardening: the shared hardening definition passes; each missing flag is refused. */
import { describe, expect, it } from "vitest";
import { QDRANT, REDIS } from "../../../../infra/backends.js";
import { containerHardening as hardening, dockerContainerHardening } from "../../../../infra/hardening.js";
import { containerHardening, isRootUser, SECRETS_SEEDER_LABEL } from "../../../../infra/policy/rules/container-hardening.js";
import { violations } from "../harness.js";

const KB_MCP = hardening({ memoryMb: 1024, cpus: 1, pidsLimit: 256, tmpfsPaths: ["/tmp"] });

const docker = (props: Record<string, unknown>) => ({ type: "docker:index/container:Container", name: "kb-mcp-container", props: { name: "qm-dev-kb-mcp", image: "quantmind:dev", ...props } });

/** An ECS container definition as the aws target builds one from the same hardening definition. */
const ecsContainer = (overrides: Record<string, unknown> = {}) => ({
  name: "kb-mcp",
  image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/quantmind:abc",
  essential: true,
  user: KB_MCP.user,
  readonlyRootFilesystem: true,
  privileged: false,
  linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
  ulimits: [{ name: "nproc", softLimit: KB_MCP.pidsLimit, hardLimit: KB_MCP.pidsLimit }],
  memory: KB_MCP.memoryMb,
  cpu: 1024,
  mountPoints: [{ sourceVolume: "writable-tmp", containerPath: "/tmp", readOnly: false }],
  ...overrides,
});
const task = (...containers: unknown[]) => ({
  type: "aws:ecs/taskDefinition:TaskDefinition",
  name: "kb-mcp-task",
  props: { family: "kb-mcp", requiresCompatibilities: ["FARGATE"], networkMode: "awsvpc", cpu: "1024", memory: "2048", containerDefinitions: JSON.stringify(containers), volumes: [{ name: "writable-tmp" }] },
});

describe("container-hardening: Docker", () => {
  it("passes every container built from infra/hardening.ts: services and both backends", async () => {
    for (const h of [KB_MCP, QDRANT.hardening, REDIS.hardening]) expect(await violations(containerHardening, docker(dockerContainerHardening(h)))).toEqual([]);
  });

  it("refuses a container with none of the flags, naming each fix", async () => {
    expect(await violations(containerHardening, docker({ privileged: true }))).toEqual([
      "container has a writable root filesystem: set readOnly: true and mount tmpfs for the paths it writes",
      "container sets no user, so it runs as the image's default user (often root): set user to a non-root uid:gid such as 10001:10001",
      'container keeps Linux capabilities: set capabilities.drops: ["ALL"]',
      'container can gain privileges through setuid binaries: add "no-new-privileges:true" to securityOpts',
      "container has no memory limit: set memory (MiB)",
      "container is privileged, which undoes every other restriction: remove privileged",
    ]);
  });

  it("refuses each flag loosened on its own", async () => {
    const base = dockerContainerHardening(KB_MCP);
    const loosened: [Record<string, unknown>, RegExp][] = [
      [{ readOnly: false }, /writable root filesystem/],
      [{ user: "0:0" }, /runs as root \(user "0:0"\)/],
      [{ capabilities: { drops: ["NET_RAW"] } }, /keeps Linux capabilities/],
      [{ securityOpts: ["no-new-privileges:false"] }, /no-new-privileges:true/],
      [{ memory: 0 }, /no memory limit/],
    ];
    for (const [change, message] of loosened) {
      const found = await violations(containerHardening, docker({ ...base, ...change }));
      expect(found, JSON.stringify(change)).toHaveLength(1);
      expect(found[0]).toMatch(message);
    }
  });

  it("a secrets seeder (never started, no network) needs no read-only root or memory limit, but the rest", async () => {
    const seeder = { start: false, mustRun: false, networkMode: "none", labels: [SECRETS_SEEDER_LABEL], user: "10001:10001", capabilities: { drops: ["ALL"] }, securityOpts: ["no-new-privileges:true"], volumes: [{ volumeName: "qm-dev-kb-mcp-secrets", containerPath: "/run/secrets" }] };
    expect(await violations(containerHardening, docker(seeder))).toEqual([]);
    expect(await violations(containerHardening, docker({ ...seeder, user: "0" }))).toEqual(['container runs as root (user "0"): set user to a non-root uid:gid such as 10001:10001']);
    // The label alone exempts nothing: a labelled container that runs is held to every flag.
    const running = await violations(containerHardening, docker({ ...seeder, start: true, networkMode: "qm-dev" }));
    expect(running.map((m) => m.split(":")[0])).toEqual(["container has a writable root filesystem", "container has no memory limit"]);
  });

  it("knows root by name or uid, with or without a group", () => {
    for (const user of ["root", "0", "0:0", "root:1000", "000:10001"]) expect(isRootUser(user), user).toBe(true);
    for (const user of ["10001:10001", "999", "1000:0", "redis"]) expect(isRootUser(user), user).toBe(false);
  });
});

describe("container-hardening: ECS", () => {
  it("passes a Fargate container with the hardening fields", async () => {
    expect(await violations(containerHardening, task(ecsContainer()))).toEqual([]);
  });

  it("refuses each missing field, per container", async () => {
    const loose = ecsContainer({ name: "sidecar", user: undefined, readonlyRootFilesystem: false, linuxParameters: undefined, memory: undefined, privileged: true });
    expect(await violations(containerHardening, task(ecsContainer(), loose))).toEqual([
      'container "sidecar" has a writable root filesystem: set readonlyRootFilesystem: true and give the paths it writes their own volumes',
      'container "sidecar" sets no user, so it runs as the image\'s default user (often root): set user to a non-root uid:gid such as 10001:10001',
      'container "sidecar" keeps Linux capabilities: set linuxParameters.capabilities.drop: ["ALL"]',
      'container "sidecar" has no memory limit: set memory (MiB) on the container',
      'container "sidecar" is privileged: remove privileged',
    ]);
    expect(await violations(containerHardening, task(ecsContainer({ user: "root" })))).toEqual([
      'container "kb-mcp" runs as root (user "root"): set user to a non-root uid:gid such as 10001:10001',
    ]);
  });
});
