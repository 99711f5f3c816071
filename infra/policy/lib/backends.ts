/**
 * Recognising Redis and Qdrant among resources, from what a policy sees of one resource: the
 * image a container runs, the names and descriptions it carries, and the components it sits in
 * (its URN lists the parent types, e.g. `quantmind:aws:Redis$aws:ec2/securityGroup:SecurityGroup`).
 */
import { QDRANT_GRPC_PORT, QDRANT_HTTP_PORT, REDIS_PORT } from "../../backends.js";

export type Backend = "redis" | "qdrant";

/** Ports the backends listen on: an internet-open rule covering one exposes a backend. */
export const BACKEND_PORTS: Readonly<Record<Backend, readonly number[]>> = {
  redis: [REDIS_PORT],
  qdrant: [QDRANT_HTTP_PORT, QDRANT_GRPC_PORT],
};

const NAME = /(?:^|[^a-z])(redis|qdrant)(?:[^a-z]|$)/i;
const REDIS_IMAGE = /^(?:[^/]+\/)*(?:library\/)?redis(?::[^/]*|@sha256:[0-9a-f]+)?$/i;
const QDRANT_IMAGE = /^(?:[^/]+\/)*qdrant\/qdrant(?::[^/]*|@sha256:[0-9a-f]+)?$/i;

/** The backend an image reference runs (`redis:7.4.7-bookworm`, `docker.io/qdrant/qdrant:v1.17.0`), if any. */
export function backendOfImage(image: string | undefined): Backend | undefined {
  if (image === undefined) return undefined;
  if (REDIS_IMAGE.test(image)) return "redis";
  if (QDRANT_IMAGE.test(image)) return "qdrant";
  return undefined;
}

/** The backend named in any of `texts` (resource names, descriptions, tags), if any. */
export function backendOfNames(...texts: (string | undefined)[]): Backend | undefined {
  for (const text of texts) {
    const match = text === undefined ? null : NAME.exec(text);
    if (match) return (match[1] as string).toLowerCase() as Backend;
  }
  return undefined;
}

/** The backend component (Redis, Qdrant) a resource is a child of, read from its URN. */
export function backendOfUrn(urn: string): Backend | undefined {
  const qualifiedType = urn.split("::")[2] ?? "";
  const parents = qualifiedType.split("$").slice(0, -1);
  return backendOfNames(...parents.map((type) => type.split(":").at(-1)));
}
