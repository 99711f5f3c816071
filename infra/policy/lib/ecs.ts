/**
 * The parts of an ECS task definition's `containerDefinitions` (a JSON string) the rules read.
 * Field names are the ECS API's, as `pulumi.jsonStringify` of `aws.ecs.ContainerDefinition` writes them.
 */
export interface EcsContainer {
  name?: string;
  image?: string;
  user?: string;
  readonlyRootFilesystem?: boolean;
  privileged?: boolean;
  memory?: number;
  linuxParameters?: { capabilities?: { drop?: string[]; add?: string[] } };
  environment?: { name?: string; value?: string }[];
  secrets?: { name?: string; valueFrom?: string }[];
  logConfiguration?: { logDriver?: string; options?: Record<string, string> };
}

/** Parses `containerDefinitions`; a malformed value is reported through `problem` and yields no containers. */
export function ecsContainers(containerDefinitions: string | undefined, problem: (message: string) => void): EcsContainer[] {
  if (containerDefinitions === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(containerDefinitions);
  } catch (error) {
    problem(`containerDefinitions is not valid JSON (${(error as Error).message}); build it with pulumi.jsonStringify([...])`);
    return [];
  }
  if (!Array.isArray(parsed)) {
    problem("containerDefinitions must be a JSON array of container definitions");
    return [];
  }
  return parsed as EcsContainer[];
}

/** How a container is named in messages. */
export function containerLabel(container: EcsContainer, index: number): string {
  return container.name ? `container "${container.name}"` : `container #${index + 1}`;
}
