/** `quantmind start` as a list of parts: order, options, and no server left behind when one part fails. */
import { Command, Option } from "commander";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { registerStartCommand, startParts, type StartPart } from "../../../services/shared/cli/start-command.js";
import { ConfigError } from "../../../services/shared/errors.js";

function part(name: string, events: string[], failStart = false): StartPart {
  return {
    name,
    async start(_options, out) {
      events.push(`start ${name}`);
      if (failStart) throw new Error(`${name} failed`);
      out.write(`${name} is up\n`);
      return async () => void events.push(`stop ${name}`);
    },
  };
}

describe("startParts", () => {
  it("starts the parts in order and stops them in reverse", async () => {
    const events: string[] = [];
    const out = new PassThrough();
    const stop = await startParts([part("a", events), part("b", events)], {}, out);
    expect(String(out.read())).toBe("a is up\nb is up\n");
    await stop();
    expect(events).toEqual(["start a", "start b", "stop b", "stop a"]);
  });

  it("stops what already runs when a later part fails, and reports that part's failure", async () => {
    const events: string[] = [];
    await expect(startParts([part("a", events), part("b", events), part("c", events, true)], {}, new PassThrough())).rejects.toThrow("c failed");
    expect(events).toEqual(["start a", "start b", "start c", "stop b", "stop a"]);
  });

  it("names the part in a configuration failure, keeping its code (the CLI exits 2)", async () => {
    const events: string[] = [];
    const busy: StartPart = {
      name: "backtests",
      start: async () => {
        throw new ConfigError("port 8002 on 127.0.0.1 is already in use", { code: "PORT_IN_USE" });
      },
    };
    const failure = await startParts([part("a", events), busy], {}, new PassThrough()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfigError);
    expect(failure).toMatchObject({ code: "PORT_IN_USE", message: "backtests: port 8002 on 127.0.0.1 is already in use" });
    expect(events).toEqual(["start a", "stop a"]);
  });

  it("still stops every part when one stop fails, then reports it", async () => {
    const events: string[] = [];
    const broken: StartPart = { name: "broken", start: async () => async () => Promise.reject(new Error("cannot close")) };
    const stop = await startParts([part("a", events), broken, part("b", events)], {}, new PassThrough());
    await expect(stop()).rejects.toThrow("cannot close");
    expect(events).toEqual(["start a", "start b", "stop b", "stop a"]);
  });
});

describe("registerStartCommand", () => {
  it("adds every part's options to `start` and describes the parts", () => {
    const program = new Command("quantmind");
    const withPort: StartPart = { name: "knowledge base", options: [new Option("--port <n>", "kb port")], start: async () => async () => {} };
    const withWorkers: StartPart = { name: "backtests", options: [new Option("--workers <n>", "worker count")], start: async () => async () => {} };
    const start = registerStartCommand(program, [withPort, withWorkers]);
    expect(start.options.map((o) => o.long)).toEqual(["--port", "--workers"]);
    expect(start.description()).toContain("knowledge base, backtests");
  });
});
