/**
 * `${VAR}` substitution for config/brokers.yaml values.
 *
 * Anywhere in a string: `${VAR}` is the variable's value, `${VAR:-default}` falls back to
 * `default` when VAR is unset or empty (as in a POSIX shell), `$$` is a literal `$`, and any other
 * `$` stays as it is. A variable may instead be given as `VAR_FILE`, a path to a file holding the
 * value (how the deploy targets deliver secrets). An unset variable without a default is an error.
 */
import { readFileSync } from "node:fs";
import type { Env } from "../../shared/config.js";

/** Why a value could not be substituted; the loader adds the file, line, broker and field. */
export class SubstitutionError extends Error {
  constructor(
    message: string,
    /** The variable at fault, when there is one. */
    readonly variable?: string,
  ) {
    super(message);
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads VAR, or the file VAR_FILE names; undefined when neither gives a non-empty value. */
export function lookupVariable(env: Env, name: string): string | undefined {
  const direct = env[name];
  const filePath = env[`${name}_FILE`];
  if (filePath !== undefined && filePath !== "") {
    if (direct !== undefined && direct !== "") {
      throw new SubstitutionError(`${name} and ${name}_FILE are both set: set only one of them`, name);
    }
    try {
      return readFileSync(filePath, "utf8").replace(/\r?\n$/, "");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
      throw new SubstitutionError(`${name}_FILE cannot be read (${reason}): point it at a readable file`, name);
    }
  }
  return direct === "" ? undefined : direct;
}

/**
 * Substitutes every `${...}` in `text`. `onVariable` hears each variable read, so the loader can
 * tell secrets from plain values.
 */
export function substitute(text: string, env: Env, onVariable?: (name: string, value: string) => void): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf("$", i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === "$") {
      out += "$";
      i = dollar + 2;
      continue;
    }
    if (next !== "{") {
      out += "$";
      i = dollar + 1;
      continue;
    }
    const close = text.indexOf("}", dollar + 2);
    if (close < 0) throw new SubstitutionError("unterminated ${...}: close it with } or write $$ for a literal $");
    const inner = text.slice(dollar + 2, close);
    const split = inner.indexOf(":-");
    const name = split < 0 ? inner : inner.slice(0, split);
    if (!NAME.test(name)) {
      throw new SubstitutionError(`\${${name}} is not a variable name: use letters, digits and _ (or $$ for a literal $)`);
    }
    const value = lookupVariable(env, name);
    if (value !== undefined) {
      onVariable?.(name, value);
      out += value;
    } else if (split >= 0) {
      out += inner.slice(split + 2);
    } else {
      throw new SubstitutionError(`variable ${name} is not set (nor ${name}_FILE) and has no default: set it, or write \${${name}:-default}`, name);
    }
    i = close + 1;
  }
  return out;
}
