/**
 * How the backtest service deploys on the Docker targets (dev stack under mocks): the worker, and
 * only the worker, runs under the seccomp profile that lets its sandbox create user namespaces;
 * the profile itself keeps refusing what Docker's default refuses, bar those calls.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { containerHardening, dockerContainerHardening, dockerRunHardeningFlags } from "../../infra/hardening.js";
import { REFUSED_SYSCALLS, USER_NAMESPACE_SYSCALLS, USER_NAMESPACE_SYSTEM_PATHS_OPTION, userNamespaceSeccompOption, userNamespaceSeccompProfile } from "../../infra/seccomp.js";
import { installPulumiMocks, settled, type PulumiMockRun, type RecordedResource } from "../helpers/pulumi-mocks.js";
import { operatorStackConfig } from "../helpers/stack-files.js";

describe("the seccomp profile for user-namespace sandboxes", () => {
  it("allows what bubblewrap calls and refuses the dangerous rest", () => {
    const profile = userNamespaceSeccompProfile();
    expect(profile.defaultAction).toBe("SCMP_ACT_ALLOW");
    const refused = profile.syscalls.flatMap((rule) => (rule.action === "SCMP_ACT_ERRNO" ? rule.names : []));
    for (const call of USER_NAMESPACE_SYSCALLS) expect(refused).not.toContain(call);
    for (const call of ["bpf", "ptrace", "kexec_load", "init_module", "finit_module", "keyctl", "setns", "perf_event_open", "process_vm_readv", "io_uring_setup", "userfaultfd", "open_by_handle_at", "reboot"]) {
      expect(refused).toContain(call);
    }
    expect(new Set(REFUSED_SYSCALLS).size).toBe(REFUSED_SYSCALLS.length);
  });

  it("is in the hardening only when asked, as an API option and as a CLI file", () => {
    const limits = { memoryMb: 256, cpus: 1, pidsLimit: 64, tmpfsPaths: ["/tmp"] };
    expect(dockerContainerHardening(containerHardening(limits)).securityOpts).toEqual(["no-new-privileges:true"]);
    const userns = containerHardening({ ...limits, userNamespaces: true });
    expect(dockerContainerHardening(userns).securityOpts).toEqual(["no-new-privileges:true", userNamespaceSeccompOption(), "systempaths=unconfined"]);
    expect(JSON.parse(userNamespaceSeccompOption().slice("seccomp=".length))).toEqual(userNamespaceSeccompProfile());
    expect(() => dockerRunHardeningFlags(userns)).toThrow(/seccomp profile's file/);
    const flags = dockerRunHardeningFlags(userns, { seccompProfile: "/etc/qm/userns.json" });
    expect(flags.join(" ")).toContain("--security-opt no-new-privileges:true --security-opt seccomp=/etc/qm/userns.json --security-opt systempaths=unconfined");
    expect(dockerRunHardeningFlags(containerHardening(limits)).join(" ")).not.toContain("seccomp");
  });
});

describe("backtest on the local target (dev)", () => {
  let run: PulumiMockRun;
  const container = (name: string): RecordedResource => {
    const found = run.ofType("docker:index/container:Container").find((r) => r.inputs["name"] === name);
    if (!found) throw new Error(`no container ${name}`);
    return found;
  };

  beforeAll(async () => {
    const { config, secretKeys } = operatorStackConfig("dev");
    run = await installPulumiMocks("dev", config, secretKeys);
    const { loadStackConfig, loadStackSecrets } = await import("../../stacks/load.js");
    const { createLocalTarget } = await import("../../infra/targets/local.js");
    const parsed = loadStackConfig();
    if (parsed.target !== "local") throw new Error("dev is local");
    createLocalTarget(parsed, loadStackSecrets(parsed));
    await settled(run);
  });

  it("runs the worker, and only it, under the user-namespace profile; neither gets more privileges", () => {
    const worker = container("qm-dev-backtest-worker").inputs;
    const mcp = container("qm-dev-backtest-mcp").inputs;
    expect(worker["securityOpts"]).toEqual(["no-new-privileges:true", userNamespaceSeccompOption(), USER_NAMESPACE_SYSTEM_PATHS_OPTION]);
    expect(mcp["securityOpts"]).toEqual(["no-new-privileges:true"]);
    for (const inputs of [worker, mcp]) {
      expect(inputs["user"]).toBe("10001:10001");
      expect(inputs["readOnly"]).toBe(true);
      expect(inputs["capabilities"]).toEqual({ drops: ["ALL"] });
      expect(inputs["privileged"]).toBeUndefined();
    }
  });

  it("the worker takes the queue from Redis with two jobs at once, the server publishes 8002 on loopback", () => {
    const env = (name: string) => container(name).inputs["envs"] as string[];
    expect(env("qm-dev-backtest-worker")).toEqual(expect.arrayContaining(["REDIS_URL=redis://redis:6379", "REDIS_PASSWORD_FILE=/run/secrets/REDIS_PASSWORD", "BACKTEST_WORKERS=2"]));
    expect(env("qm-dev-backtest-worker").some((e) => e.startsWith("MCP_API_KEY"))).toBe(false);
    expect(container("qm-dev-backtest-worker").inputs["ports"]).toEqual([]);
    expect(container("qm-dev-backtest-mcp").inputs["ports"]).toEqual([{ internal: 8002, external: 8002, ip: "127.0.0.1" }]);
  });
});
