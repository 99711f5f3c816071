/**
 * A stand-in `pulumi` executable for the operator-script tests. Each call records its argv, its
 * environment and (for `config set`) its stdin under the log directory, and the script enforces
 * the protocol the scripts rely on: unknown sub-commands or malformed calls exit non-zero with a
 * message. POSIX sh, so a call costs milliseconds rather than a Node start.
 */
import { chmod, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

export interface FakePulumiCall {
  argv: string[];
  /** Only for `config set`. */
  stdin?: string;
  env: Record<string, string>;
}

export interface FakePulumi {
  /** Directory holding the `pulumi` executable: put it first on PATH. */
  dir: string;
  bin: string;
  /** Directory of recorded calls (FAKE_PULUMI_LOG). */
  logDir: string;
  /** Environment for a child process: PATH with the fake first, the log directory, no PULUMI_BIN. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  calls(): Promise<FakePulumiCall[]>;
}

const SCRIPT = `#!/bin/sh
set -eu
call="$FAKE_PULUMI_LOG/$(printf %04d $(( $(ls "$FAKE_PULUMI_LOG" | wc -l) + 1 )))"
mkdir "$call"
printf '%s\\0' "$@" > "$call/argv"
env -0 > "$call/env"
fail() { printf 'fake pulumi: %s\\n' "$2" >&2; exit "$1"; }
case "\${1:-}" in
  stack)
    [ "$#" -eq 2 ] && [ "$2" = --show-name ] || fail 2 "expected: stack --show-name, got: $*"
    [ -n "\${FAKE_PULUMI_STACK:-}" ] || fail 1 "no stack selected"
    echo "$FAKE_PULUMI_STACK" ;;
  config)
    cat > "$call/stdin"
    # A secret (config set --secret --stack S key) or a plain value (config set --stack S key), both on stdin.
    { [ "$#" -eq 6 ] && [ "$2" = set ] && [ "$3" = --secret ] && [ "$4" = --stack ]; } || { [ "$#" -eq 5 ] && [ "$2" = set ] && [ "$3" = --stack ]; } || fail 2 "expected: config set [--secret] --stack <stack> quantmind:<key>, got: $*"
    eval "key=\\\${$#}"
    case "$key" in quantmind:?*) ;; *) fail 2 "expected a quantmind: key, got: $key" ;; esac
    [ "$(wc -c < "$call/stdin")" -gt 1 ] && [ -z "$(tail -c 1 "$call/stdin")" ] || fail 3 "expected a non-empty value ending in one newline on stdin"
    [ "\${FAKE_PULUMI_FAIL:-}" != config ] || fail 1 "error: could not encrypt $(cat "$call/stdin") for $5" ;;
  up)
    [ "$#" -ge 3 ] && [ "$2" = --stack ] || fail 2 "expected: up --stack <stack> [--yes], got: $*"
    [ "$#" -eq 3 ] || { [ "$#" -eq 4 ] && [ "$4" = --yes ]; } || fail 2 "expected: up --stack <stack> [--yes], got: $*"
    [ "\${FAKE_PULUMI_FAIL:-}" != up ] || fail 1 "error: update failed" ;;
  *)
    fail 2 "unknown command: $*" ;;
esac
`;

export async function installFakePulumi(dir: string): Promise<FakePulumi> {
  const bin = path.join(dir, "pulumi");
  const logDir = path.join(dir, "pulumi-calls");
  await writeFile(bin, SCRIPT);
  await chmod(bin, 0o755);
  await rm(logDir, { recursive: true, force: true });
  await mkdir(logDir);
  const fields = (text: string) => text.split("\0").slice(0, -1);
  return {
    dir,
    bin,
    logDir,
    env: (extra = {}) => {
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dir}${path.delimiter}${process.env["PATH"] ?? ""}`, FAKE_PULUMI_LOG: logDir, ...extra };
      if (!("PULUMI_BIN" in extra)) delete env["PULUMI_BIN"];
      return env;
    },
    calls: async () =>
      Promise.all(
        (await readdir(logDir)).sort().map(async (entry) => {
          const callDir = path.join(logDir, entry);
          const stdin = await readFile(path.join(callDir, "stdin"), "utf8").catch(() => undefined);
          const env = Object.fromEntries(fields(await readFile(path.join(callDir, "env"), "utf8")).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
          return { argv: fields(await readFile(path.join(callDir, "argv"), "utf8")), env, ...(stdin === undefined ? {} : { stdin }) };
        }),
      ),
  };
}
