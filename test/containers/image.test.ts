/**
 * The service image as built from the root Dockerfile: its size, user, entrypoint, labels,
 * health probe, and that it carries production dependencies only.
 */
import { describe, expect, inject, it } from "vitest";
import { HEALTHCHECK_TIMING, IMAGE_APP_DIR } from "../../infra/container-conventions.js";
import { SERVICE_USER } from "../../infra/hardening.js";
import { docker } from "./helpers/docker-cli.js";
import { imageSizeBytes, PACKAGE } from "./helpers/image.js";

/**
 * The budget: 305 MB with the knowledge base, QuantConnect and backups; the trading half adds
 * ccxt's ES modules (28 MB), isolated-vm built for the image's Node (1 MB stripped), esbuild for
 * TypeScript strategies (10 MB), bullmq, resvg and the brokers; the backtest worker's Python
 * sandbox adds Debian's python3 with numpy and its BLAS, and bubblewrap (83 MB). Raise it only
 * with a reason.
 */
const MAX_IMAGE_BYTES = 480 * 1000 * 1000;

describe("the service image", () => {
  const { image, revision } = inject("containerRun");
  const runIn = (entrypoint: string, ...args: string[]) =>
    docker(["run", "--rm", "--network", "host", "--entrypoint", entrypoint, image, ...args], { allowFailure: true });

  it("is under 480 MB", async () => {
    const bytes = await imageSizeBytes(image);
    expect(bytes, `image is ${(bytes / 1e6).toFixed(0)} MB`).toBeLessThan(MAX_IMAGE_BYTES);
  });

  it("runs the quantmind CLI as user quantmind (10001:10001)", async () => {
    const config = JSON.parse((await docker(["image", "inspect", "--format", "{{json .Config}}", image])).stdout) as {
      User: string;
      Entrypoint: string[];
      WorkingDir: string;
    };
    expect(config.User).toBe(SERVICE_USER);
    expect(config.WorkingDir).toBe(IMAGE_APP_DIR);
    const help = await docker(["run", "--rm", "--network", "host", image, "--help"]);
    expect(help.stdout).toContain("Usage: quantmind");
    expect(help.stdout).toMatch(/^\s+serve\b/m);
    const passwd = await runIn("getent", "passwd", "quantmind");
    expect(passwd.stdout.trim()).toMatch(/^quantmind:x:10001:10001:/);
  });

  it("carries OCI labels with the package version and the commit it was built from", async () => {
    const labels = JSON.parse((await docker(["image", "inspect", "--format", "{{json .Config.Labels}}", image])).stdout) as Record<
      string,
      string
    >;
    expect(labels).toMatchObject({
      "org.opencontainers.image.title": "quantmind",
      "org.opencontainers.image.version": PACKAGE.version,
      "org.opencontainers.image.revision": revision,
    });
    expect(labels["org.opencontainers.image.base.name"]).toMatch(/^node:\d+-bookworm-slim$/);
    expect(revision).toMatch(/^[0-9a-f]{40}$/);
  });

  it("declares the health probe with the timing the targets use", async () => {
    const health = JSON.parse((await docker(["image", "inspect", "--format", "{{json .Config.Healthcheck}}", image])).stdout) as {
      Test: string[];
      Interval: number;
      Timeout: number;
      StartPeriod: number;
      Retries: number;
    };
    const ns = 1e9;
    expect(health).toEqual({
      Test: ["CMD", "node", `${IMAGE_APP_DIR}/bin/healthcheck.js`],
      Interval: HEALTHCHECK_TIMING.intervalSeconds * ns,
      Timeout: HEALTHCHECK_TIMING.timeoutSeconds * ns,
      StartPeriod: HEALTHCHECK_TIMING.startPeriodSeconds * ns,
      Retries: HEALTHCHECK_TIMING.retries,
    });
  });

  it("holds production dependencies only, and the native addon loads", async () => {
    const script = [
      'const fs = require("node:fs");',
      'const names = fs.readdirSync("/app/node_modules").flatMap((n) => n.startsWith("@") ? fs.readdirSync(`/app/node_modules/${n}`).map((m) => `${n}/${m}`) : [n]);',
      'require("/app/node_modules/hnswlib-node");',
      "console.log(JSON.stringify(names));",
    ].join("\n");
    const result = await runIn("node", "-e", script);
    expect(result.stderr).toBe("");
    const installed = new Set(JSON.parse(result.stdout) as string[]);
    // esbuild is a runtime dependency now (the backtest worker transpiles TypeScript strategies).
    const devOnly = [...Object.keys(PACKAGE.devDependencies), "tsx"];
    expect(devOnly.filter((name) => installed.has(name))).toEqual([]);
    const runtime = Object.keys(PACKAGE.dependencies).filter((name) => name !== "tsx");
    expect(runtime.filter((name) => !installed.has(name))).toEqual([]);
  });

  it("keeps the application root-owned, so the service cannot change its own code", async () => {
    const result = await runIn(
      "node",
      "-e",
      'const fs = require("node:fs"); for (const p of ["/app/dist/services/cli.js", "/app/node_modules", "/app/bin/healthcheck.js"]) { const s = fs.statSync(p); let w = "writable"; try { fs.accessSync(p, fs.constants.W_OK); } catch (e) { w = e.code; } console.log(p, s.uid, w); }',
    );
    expect(result.stdout.trim().split("\n")).toEqual([
      "/app/dist/services/cli.js 0 EACCES",
      "/app/node_modules 0 EACCES",
      "/app/bin/healthcheck.js 0 EACCES",
    ]);
  });
});
