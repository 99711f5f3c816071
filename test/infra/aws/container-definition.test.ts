import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fargateHardening, fargateTaskSize, writableVolumeName } from "../../../infra/components/aws/container-definition.js";
import { containerHardening, SERVICE_USER } from "../../../infra/hardening.js";

describe("fargateTaskSize", () => {
  it("rounds up to sizes Fargate offers", () => {
    // 1 vCPU cannot have less than 2 GiB, 2 vCPU less than 4 GiB.
    expect(fargateTaskSize(1, 1024)).toEqual({ cpu: 1024, memory: 2048 });
    expect(fargateTaskSize(2, 2048)).toEqual({ cpu: 2048, memory: 4096 });
    expect(fargateTaskSize(0.25, 512)).toEqual({ cpu: 256, memory: 512 });
    // More memory than a size's CPU allows moves to the next CPU size.
    expect(fargateTaskSize(0.25, 3000)).toEqual({ cpu: 512, memory: 3072 });
  });

  it("always covers the limits", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 16, noNaN: true }), fc.integer({ min: 128, max: 120_000 }), (cpus, memoryMb) => {
        const size = fargateTaskSize(cpus, memoryMb);
        expect(size.cpu).toBeGreaterThanOrEqual(cpus * 1024);
        expect(size.memory).toBeGreaterThanOrEqual(memoryMb);
      }),
    );
  });

  it("refuses limits no Fargate task has", () => {
    expect(() => fargateTaskSize(32, 1024)).toThrow(/no Fargate task size/);
  });
});

describe("fargateHardening", () => {
  it("maps every hardening field Fargate supports, and tmpfs paths to task-local volumes", () => {
    const { container, volumes } = fargateHardening(containerHardening({ memoryMb: 1024, cpus: 1, pidsLimit: 256, tmpfsPaths: ["/tmp", "/var/cache/app"] }));
    expect(container).toEqual({
      user: SERVICE_USER,
      readonlyRootFilesystem: true,
      linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
      ulimits: [{ name: "nproc", softLimit: 256, hardLimit: 256 }],
      memory: 1024,
      cpu: 1024,
      mountPoints: [
        { sourceVolume: "writable-tmp", containerPath: "/tmp", readOnly: false },
        { sourceVolume: "writable-var-cache-app", containerPath: "/var/cache/app", readOnly: false },
      ],
    });
    // No host path: Fargate backs the volumes with the task's own ephemeral storage.
    expect(volumes).toEqual([{ name: "writable-tmp" }, { name: "writable-var-cache-app" }]);
  });

  it("names volumes uniquely per path", () => {
    expect(writableVolumeName("/tmp")).not.toBe(writableVolumeName("/tmp2"));
    expect(writableVolumeName("/")).toBe("writable-root");
  });
});
