/** The shared CLI building blocks: option parsing, env overrides, shared groups, the serve command. */
import { Command, InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { registerMcpServeCommand, type McpTransport } from "../../../services/shared/cli/mcp-serve-command.js";
import { commandGroup, envWith, portOption } from "../../../services/shared/cli/options.js";
import { describeFailure } from "../../../services/shared/cli/run-cli.js";
import { ConfigError } from "../../../services/shared/errors.js";
import { registerSecret } from "../../../services/shared/logger.js";
import type { Env } from "../../../services/shared/config.js";

describe("portOption", () => {
  it.each(["0", "8000", "65535"])("accepts %s", (value) => expect(portOption(value)).toBe(value));
  it.each(["-1", "65536", "80.5", "eighty", ""])("refuses %j", (value) => expect(() => portOption(value)).toThrow(InvalidArgumentError));
});

describe("envWith", () => {
  it("overrides only the variables an option was given for, leaving the original untouched", () => {
    const env = { MCP_PORT: "8000", MCP_HOST: "0.0.0.0", OTHER: "x" };
    expect(envWith({ MCP_PORT: "9000", MCP_HOST: undefined }, env)).toEqual({ MCP_PORT: "9000", MCP_HOST: "0.0.0.0", OTHER: "x" });
    expect(env.MCP_PORT).toBe("8000");
  });
});

describe("commandGroup", () => {
  it("creates a group once, whichever service asks first", () => {
    const program = new Command("quantmind");
    const first = commandGroup(program, "serve", "run an MCP service");
    const second = commandGroup(program, "serve", "another description");
    expect(second).toBe(first);
    expect(program.commands.map((c) => c.name())).toEqual(["serve"]);
    expect(first.description()).toBe("run an MCP service");
  });
});

describe("registerMcpServeCommand", () => {
  async function parse(args: string[]): Promise<{ transport: McpTransport; env: Env }[]> {
    const calls: { transport: McpTransport; env: Env }[] = [];
    const program = new Command("quantmind").exitOverride();
    for (const name of ["one", "two"]) {
      registerMcpServeCommand(program, {
        name,
        description: `${name} server`,
        defaultPort: 8100,
        serve: async (transport, env) => {
          calls.push({ transport, env });
          return undefined;
        },
      });
    }
    await program.parseAsync(args, { from: "user" });
    return calls;
  }

  it("puts every service under one `serve` group and passes --host/--port as MCP_HOST/MCP_PORT", async () => {
    const [call] = await parse(["serve", "two", "--transport", "http", "--host", "::1", "--port", "0"]);
    expect(call!.transport).toBe("http");
    expect(call!.env).toMatchObject({ MCP_HOST: "::1", MCP_PORT: "0" });
  });

  it("defaults to stdio and leaves MCP_PORT to the environment", async () => {
    const saved = process.env.MCP_PORT;
    process.env.MCP_PORT = "8123";
    try {
      const [call] = await parse(["serve", "one"]);
      expect(call).toMatchObject({ transport: "stdio", env: { MCP_PORT: "8123" } });
    } finally {
      if (saved === undefined) delete process.env.MCP_PORT;
      else process.env.MCP_PORT = saved;
    }
  });

  it("refuses a bad port or transport before serving", async () => {
    await expect(parse(["serve", "one", "--port", "99999"])).rejects.toMatchObject({ code: "commander.invalidArgument" });
    await expect(parse(["serve", "one", "--transport", "pigeon"])).rejects.toMatchObject({ code: "commander.invalidArgument" });
  });
});

describe("describeFailure", () => {
  it("shows a known error's message without its stack, secrets scrubbed", () => {
    registerSecret("hunter2-secret-value");
    expect(describeFailure(new ConfigError("REDIS_URL is bad: hunter2-secret-value"))).toBe("REDIS_URL is bad: [redacted]");
  });

  it("keeps the stack of an unknown error: it is a bug to report", () => {
    expect(describeFailure(new TypeError("x is undefined"))).toMatch(/^TypeError: x is undefined\n\s+at /);
  });
});
