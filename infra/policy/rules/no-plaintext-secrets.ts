/**
 * Secrets never travel in plain container environment or task definitions, where `docker
 * inspect`, the ECS console, `lambda:GetFunctionConfiguration` and the stack state show them.
 *
 * A variable whose name looks secret (KEY, TOKEN, PASSWORD, SECRET, PASSPHRASE, PRIVATE) is refused:
 * - in a Docker container's `envs`, unless it ends with `_FILE` (the path of a mounted secret file);
 * - in an ECS container definition's `environment`, unless it ends with `_FILE` or `_ARN`: secrets
 *   come through `secrets` (`valueFrom` a Secrets Manager or SSM ARN), which ECS injects at start;
 * - in a Lambda function's environment, unless it ends with `_FILE` or `_ARN` (a pointer the
 *   handler resolves at start).
 * The rule judges names, not values: a secret under an innocent name is not caught here, which is
 * why the stack unit tests also search every resource's inputs for the secrets' plaintext
 * (test/helpers/pulumi-mocks.ts).
 */
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { containerLabel, ecsContainers } from "../lib/ecs.js";
import { list } from "../lib/known.js";
import { looksSecret } from "../lib/secret-names.js";

const container = validateResourceOfType(docker.Container, (props, _args, report) => {
  for (const entry of list(props.envs)) {
    const name = entry.slice(0, entry.includes("=") ? entry.indexOf("=") : undefined);
    if (looksSecret(name, ["_FILE"])) {
      report(`container environment variable ${name} looks like a secret: deliver it as a file (uploads under /run/secrets) and set ${name}_FILE to its path`);
    }
  }
});

const taskDefinition = validateResourceOfType(aws.ecs.TaskDefinition, (props, _args, report) => {
  ecsContainers(props.containerDefinitions, report).forEach((definition, index) => {
    for (const variable of list(definition.environment)) {
      const name = variable.name ?? "";
      if (looksSecret(name, ["_FILE", "_ARN"])) {
        report(
          `${containerLabel(definition, index)} has ${name} in plain environment: move it to "secrets" ` +
            `({ name: "${name}", valueFrom: <Secrets Manager or SSM ARN> }) so ECS injects it at start`,
        );
      }
    }
  });
});

const lambdaFunction = validateResourceOfType(aws.lambda.Function, (props, _args, report) => {
  for (const name of Object.keys(props.environment?.variables ?? {})) {
    if (looksSecret(name, ["_FILE", "_ARN"])) {
      report(
        `Lambda environment variable ${name} looks like a secret, and Lambda environment is readable with lambda:GetFunctionConfiguration: ` +
          `keep the value in Secrets Manager, pass its ARN (e.g. ${name}_ARN) and read it in the handler at start`,
      );
    }
  }
});

export const noPlaintextSecrets: ResourceValidationPolicy = {
  name: "no-secrets-in-plain-env",
  description: "Secrets reach containers and functions as files or secret references, never as plain environment variables or task-definition environment.",
  enforcementLevel: "mandatory",
  validateResource: [container, taskDefinition, lambdaFunction],
};
