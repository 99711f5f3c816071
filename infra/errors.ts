/**
 * Errors the Pulumi program raises before or while it builds resources. Each has a stable code
 * (tests and tools match on it) and a message naming what is wrong and what to set.
 */
import { QuantMindError } from "../services/shared/errors.js";

/** Base of every infra error. */
export class InfraError extends QuantMindError {}

/** A descriptor cannot run as declared on a target (shape not supported there, missing secret, bad ordering). */
export class DescriptorError extends InfraError {
  constructor(code: "SHAPE_NOT_ON_TARGET" | "DESCRIPTOR_INVALID" | "JOB_ORDER" | "SECRET_NOT_STORED" | "OBJECT_STORE_MISSING", message: string) {
    super(code, message);
  }
}

/** An IPv4 address or CIDR is malformed or unusable for what it is given to. */
export class CidrError extends InfraError {
  constructor(message: string) {
    super("CIDR_INVALID", message);
  }
}

/** A cron expression AWS schedules cannot express. */
export class CronError extends InfraError {
  constructor(message: string) {
    super("CRON_INVALID", message);
  }
}

/** A resource size no platform offering fits (e.g. no Fargate task size). */
export class SizingError extends InfraError {
  constructor(message: string) {
    super("SIZE_UNAVAILABLE", message);
  }
}

/** Stack settings that cannot be deployed as given (missing host settings, wildcard certificate, too few zones, ...). */
export class TargetConfigError extends InfraError {
  constructor(message: string) {
    super("TARGET_CONFIG_INVALID", message);
  }
}

/** A value that would be unsafe where it goes (e.g. a Redis password that breaks its config file). */
export class UnsafeValueError extends InfraError {
  constructor(message: string) {
    super("UNSAFE_VALUE", message);
  }
}

/** The MT5 bridge's token or TLS certificate and key (stack secrets) are unusable. */
export class BridgeSecretError extends InfraError {
  constructor(message: string) {
    super("BRIDGE_SECRET_INVALID", message);
  }
}
