/**
 * Resource inputs as policies see them: during `pulumi preview` a value that depends on another
 * resource's outputs is unknown, and reading it throws the SDK's UnknownValueError (the engine
 * then reports "can't run policy during preview" and runs it again during `pulumi up`).
 * Identification (is this Redis?) must not give up that early, so it reads through {@link known}.
 */
import * as policySdk from "@pulumi/policy";

// Exported at run time by @pulumi/policy, but its .d.ts omits the class.
const UnknownValueError = (policySdk as unknown as { UnknownValueError: new (...args: never[]) => Error }).UnknownValueError;

/** The value `read` returns, or undefined when it is not known yet (preview). Other errors propagate. */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof UnknownValueError) return undefined;
    throw error;
  }
}

/** A list that may be missing; a value known to be absent reads as empty. */
export function list<T>(value: readonly T[] | null | undefined): readonly T[] {
  return value ?? [];
}

/**
 * Whether an input is set. A value not known yet (preview) is set: it comes from another
 * resource's output, which the engine fills in at `pulumi up`.
 */
export function isSet(read: () => unknown): boolean {
  try {
    const value = read();
    return value !== undefined && value !== null && value !== "";
  } catch (error) {
    if (error instanceof UnknownValueError) return true;
    throw error;
  }
}
