/**
 * SSH to the VPS hosts: connection settings with dial limits, so an unreachable host fails in
 * bounded time with the host named, instead of hanging a deploy.
 */
import type * as command from "@pulumi/command";
import type * as pulumi from "@pulumi/pulumi";

/** Dial attempts and seconds per attempt; a created host gets longer while it boots. */
export const DIAL_LIMITS = {
  existing: { dialErrorLimit: 3, perDialTimeout: 10 },
  booting: { dialErrorLimit: 30, perDialTimeout: 10 },
} as const;

export function sshConnection(
  host: pulumi.Input<string>,
  user: string,
  privateKey: pulumi.Input<string>,
  limits: (typeof DIAL_LIMITS)[keyof typeof DIAL_LIMITS],
): command.types.input.remote.ConnectionArgs {
  return { host, user, privateKey, ...limits };
}
