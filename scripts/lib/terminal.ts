/**
 * Terminal input for operator scripts: a secret read from stdin (piped, or typed without echo),
 * and yes/no confirmation on the controlling terminal even when stdin carried the secret.
 */
import { closeSync, openSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import type { Writable } from "node:stream";
import { ReadStream } from "node:tty";
import { NotConfirmedError } from "../../stacks/errors.js";

/** Drops one trailing newline (`\n` or `\r\n`), as `pulumi config set` does with stdin. */
export function trimOneNewline(text: string): string {
  if (text.endsWith("\r\n")) return text.slice(0, -2);
  if (text.endsWith("\n")) return text.slice(0, -1);
  return text;
}

/**
 * Reads a secret: all of stdin when it is piped, or one line typed at `prompt` without echo when
 * stdin is a terminal. One trailing newline is dropped.
 */
export async function readSecret(prompt: string, input: NodeJS.ReadStream = process.stdin, output: Writable = process.stderr): Promise<string> {
  if (input.isTTY) return readHiddenLine(prompt, input, output);
  let text = "";
  input.setEncoding("utf8");
  for await (const chunk of input) text += chunk as string;
  return trimOneNewline(text);
}

/** One line from a terminal in raw mode, echoing nothing. Ctrl-C or Ctrl-D with nothing typed aborts. */
function readHiddenLine(prompt: string, input: NodeJS.ReadStream, output: Writable): Promise<string> {
  // Raw mode before the prompt: anything typed once the prompt shows is never echoed.
  input.setRawMode(true);
  output.write(prompt);
  input.setEncoding("utf8");
  input.resume();
  return new Promise((resolve, reject) => {
    let value = "";
    const finish = (error?: Error) => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") return finish();
        if (char === "\u0003" || (char === "\u0004" && value === "")) return finish(new NotConfirmedError("aborted: nothing was changed"));
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
        else if (char >= " ") value += char;
      }
    };
    input.on("data", onData);
  });
}

export type Confirm = (question: string) => Promise<boolean>;

/**
 * A yes/no question on the controlling terminal (stdin when it is one, else /dev/tty), or
 * undefined when the process has no terminal to ask on.
 */
export function terminalConfirm(output: Writable = process.stderr): Confirm | undefined {
  if (!process.stdin.isTTY && !canOpenTerminal()) return undefined;
  return async (question) => {
    const input = process.stdin.isTTY ? process.stdin : new ReadStream(openSync("/dev/tty", "r"));
    const rl = createInterface({ input, output, terminal: true });
    try {
      return /^y(es)?$/i.test((await rl.question(question)).trim());
    } finally {
      rl.close();
      if (input !== process.stdin) input.destroy();
    }
  };
}

function canOpenTerminal(): boolean {
  try {
    closeSync(openSync("/dev/tty", "r"));
    return true;
  } catch {
    return false;
  }
}
