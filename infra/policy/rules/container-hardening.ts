/**
 * Hardening flags on every service container, as infra/hardening.ts defines them.
 *
 * Docker containers (local and vps targets): read-only root filesystem, a non-root user, all
 * capabilities dropped, no-new-privileges, a memory limit, and never privileged. A secrets
 * seeder (labelled {@link SECRETS_SEEDER_LABEL}, never started, no network) only carries files
 * into a volume, so the flags that matter only while a process runs (read-only root, memory
 * limit) are not required of it; the rest are.
 * ECS containers (aws target): read-only root filesystem, a non-root user, all capabilities
 * dropped, a memory limit, and never privileged. (Fargate accepts no `dockerSecurityOptions`, so
 * no-new-privileges cannot be set there; see infra/components/aws/container-definition.ts.)
 */
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import { validateResourceOfType, type ReportViolation, type ResourceValidationPolicy } from "@pulumi/policy";
import { SECRETS_SEEDER_LABEL } from "../../hardening.js";
import { containerLabel, ecsContainers } from "../lib/ecs.js";
import { list } from "../lib/known.js";

export { SECRETS_SEEDER_LABEL };

function isSecretsSeeder(props: { labels?: readonly { label: string; value: string }[]; start?: boolean; networkMode?: string }): boolean {
  const labelled = list(props.labels).some((l) => l.label === SECRETS_SEEDER_LABEL.label && l.value === SECRETS_SEEDER_LABEL.value);
  return labelled && props.start === false && props.networkMode === "none";
}

/** True for root by name or uid 0, with or without a group (`0`, `root`, `0:0`, `root:1000`). */
export function isRootUser(user: string): boolean {
  const name = user.trim().split(":")[0]?.trim() ?? "";
  return name === "root" || /^0+$/.test(name);
}

function checkUser(what: string, user: string | undefined, report: ReportViolation): void {
  if (user === undefined || user.trim() === "") {
    report(`${what} sets no user, so it runs as the image's default user (often root): set user to a non-root uid:gid such as 10001:10001`);
  } else if (isRootUser(user)) {
    report(`${what} runs as root (user ${JSON.stringify(user)}): set user to a non-root uid:gid such as 10001:10001`);
  }
}

const container = validateResourceOfType(docker.Container, (props, _args, report) => {
  const what = "container";
  const seeder = isSecretsSeeder(props);
  if (props.readOnly !== true && !seeder) report(`${what} has a writable root filesystem: set readOnly: true and mount tmpfs for the paths it writes`);
  checkUser(what, props.user, report);
  if (!list(props.capabilities?.drops).some((cap) => cap.toUpperCase() === "ALL")) report(`${what} keeps Linux capabilities: set capabilities.drops: ["ALL"]`);
  const noNewPrivileges = list(props.securityOpts).some((opt) => /^no-new-privileges(?:[:=]true)?$/i.test(opt.trim()));
  if (!noNewPrivileges) report(`${what} can gain privileges through setuid binaries: add "no-new-privileges:true" to securityOpts`);
  if (!(typeof props.memory === "number" && props.memory > 0) && !seeder) report(`${what} has no memory limit: set memory (MiB)`);
  if (props.privileged === true) report(`${what} is privileged, which undoes every other restriction: remove privileged`);
});

const taskDefinition = validateResourceOfType(aws.ecs.TaskDefinition, (props, _args, report) => {
  ecsContainers(props.containerDefinitions, report).forEach((definition, index) => {
    const what = containerLabel(definition, index);
    if (definition.readonlyRootFilesystem !== true) report(`${what} has a writable root filesystem: set readonlyRootFilesystem: true and give the paths it writes their own volumes`);
    checkUser(what, definition.user, report);
    if (!list(definition.linuxParameters?.capabilities?.drop).some((cap) => cap.toUpperCase() === "ALL")) {
      report(`${what} keeps Linux capabilities: set linuxParameters.capabilities.drop: ["ALL"]`);
    }
    if (!(typeof definition.memory === "number" && definition.memory > 0)) report(`${what} has no memory limit: set memory (MiB) on the container`);
    if (definition.privileged === true) report(`${what} is privileged: remove privileged`);
  });
});

export const containerHardening: ResourceValidationPolicy = {
  name: "container-hardening",
  description: "Every service container runs read-only, as a non-root user, with all capabilities dropped, no new privileges and a memory limit.",
  enforcementLevel: "mandatory",
  validateResource: [container, taskDefinition],
};
