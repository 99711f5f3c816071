/**
 * What a target accepts from a catalogue, checked before any resource exists: shapes the target
 * can run, scaling that fits the shape, jobs before the services that wait for them, unique
 * names, the Windows host only on vps. The real catalogue passes on every target.
 */
import { describe, expect, it } from "vitest";
import { SERVICE_CATALOGUE } from "../../infra/catalogue.js";
import { runtimeOn, type AnyServiceDescriptor, type Runtime, type TargetName } from "../../infra/descriptor.js";
import { deploymentsFor, SHAPES_ON_TARGET } from "../../infra/deployments.js";
import { DescriptorError } from "../../infra/errors.js";
import { MADE_JOB, MADE_MCP, MADE_SCHEDULED, MADE_WORKER, ONLY_SCHEDULED } from "./shapes/made-up-catalogue.js";

const TARGETS: TargetName[] = ["local", "vps", "aws"];

function withRun(descriptor: AnyServiceDescriptor, change: Partial<Runtime>): AnyServiceDescriptor {
  return { ...descriptor, run: { ...descriptor.run, ...change } };
}

function refusal(target: TargetName, catalogue: readonly AnyServiceDescriptor[]): DescriptorError {
  try {
    deploymentsFor(target, catalogue);
  } catch (error) {
    expect(error).toBeInstanceOf(DescriptorError);
    return error as DescriptorError;
  }
  throw new Error(`${target} accepted the catalogue`);
}

describe("deploymentsFor", () => {
  it("accepts the real catalogue on every target, choosing each service's runtime for it", () => {
    for (const target of TARGETS) {
      const deployments = deploymentsFor(target, SERVICE_CATALOGUE);
      expect(deployments.map((d) => d.name)).toEqual(SERVICE_CATALOGUE.filter((d) => d.targets.includes(target)).map((d) => d.name));
      for (const d of deployments) {
        expect(SHAPES_ON_TARGET[target]).toContain(d.runtime.shape.kind);
        expect(d.runtime).toBe(runtimeOn(d.descriptor, target));
      }
    }
    const kinds = (target: TargetName) => Object.fromEntries(deploymentsFor(target, SERVICE_CATALOGUE).map((d) => [d.name, d.runtime.shape.kind]));
    expect(kinds("local")).toEqual({ "kb-indexer": "job", "kb-mcp": "mcp", "qc-mcp": "mcp", "backtest-mcp": "mcp", "backtest-worker": "queue-worker", backup: "daemon", "strategy-agent": "daemon" });
    expect(kinds("aws")).toEqual({ "kb-indexer": "job", "kb-mcp": "mcp", "qc-mcp": "lambda", "backtest-mcp": "mcp", "backtest-worker": "queue-worker", backup: "scheduled", "strategy-agent": "daemon" });
  });

  it("leaves out a service on targets it does not list", () => {
    const awsOnly = { ...MADE_WORKER, targets: ["aws"] as const };
    expect(deploymentsFor("local", [awsOnly])).toEqual([]);
    expect(deploymentsFor("aws", [awsOnly]).map((d) => d.name)).toEqual(["made-worker"]);
  });

  it("refuses a shape the target cannot run, naming the service, the shape and the fix", () => {
    for (const target of ["local", "vps"] as const) {
      const error = refusal(target, [ONLY_SCHEDULED]);
      expect(error.code).toBe("SHAPE_NOT_ON_TARGET");
      expect(error.message).toBe(
        `only-scheduled: the ${target} target cannot run a scheduled runtime (it runs mcp, daemon, job, queue-worker); give it one for ${target} in runOn, or remove ${target} from its targets`,
      );
    }
    // With a runtime of its own for the Docker hosts, the same service is fine everywhere.
    for (const target of TARGETS) expect(deploymentsFor(target, [MADE_SCHEDULED])).toHaveLength(1);
  });

  it("refuses a job order it cannot keep: after a service that is not an earlier job", () => {
    expect(refusal("local", [MADE_MCP, MADE_JOB]).code).toBe("JOB_ORDER");
    expect(refusal("aws", [MADE_MCP]).message).toBe("made-mcp runs after made-job, which must be a job on aws listed earlier in the catalogue");
    expect(refusal("aws", [MADE_WORKER, withRun(MADE_MCP, { after: ["made-worker"] })]).code).toBe("JOB_ORDER");
    expect(deploymentsFor("aws", [MADE_JOB, MADE_MCP]).map((d) => d.name)).toEqual(["made-job", "made-mcp"]);
  });

  it("refuses scaling that does not fit: queue depth off a queue worker, bad ranges, scaling a stateful runtime", () => {
    const queueScaling = { signal: "queue-depth", backlogPerTask: 5, minTasks: 1, maxTasks: 4 } as const;
    expect(refusal("aws", [withRun(MADE_JOB, { scaling: queueScaling, stateless: true })]).message).toMatch(/^made-job: queue-depth scaling needs a queue-worker runtime, not job$/);
    // Nothing would publish the depth with no worker running.
    expect(refusal("aws", [withRun(MADE_WORKER, { scaling: { ...queueScaling, minTasks: 0 } })]).message).toMatch(/1 <= minTasks <= maxTasks/);
    expect(refusal("aws", [withRun(MADE_WORKER, { scaling: { ...queueScaling, maxTasks: 0 } })]).code).toBe("DESCRIPTOR_INVALID");
    expect(refusal("aws", [withRun(MADE_WORKER, { stateless: false })]).message).toMatch(/only a stateless runtime may scale/);
    expect(refusal("aws", [withRun(MADE_WORKER, { scaling: { signal: "cpu" } })]).message).toMatch(/CPU scaling is for mcp and daemon runtimes, not queue-worker/);
  });

  it("refuses two services of one name, and a Windows-host service anywhere but vps", () => {
    expect(refusal("local", [MADE_JOB, MADE_JOB]).message).toBe("two descriptors are named made-job: service names must be unique");
    const bridge: AnyServiceDescriptor = { ...MADE_WORKER, name: "bridge", host: "windows" };
    expect(refusal("aws", [bridge]).message).toBe("bridge runs on the Windows host, which only the vps target has; remove aws from its targets");
    expect(deploymentsFor("vps", [bridge]).map((d) => d.host)).toEqual(["windows"]);
  });
});
