/**
 * The service image on aws: an ECR repository and the image built from the repository's root
 * Dockerfile, pushed to it. Services run it by digest (`imageRef`), so a task always runs
 * exactly the image this deploy built, whatever the tag points at later.
 */
import * as aws from "@pulumi/aws";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import path from "node:path";

/** The moving tag each deploy pushes; every other tag is immutable. */
export const DEPLOY_TAG = "latest";

export interface ImageRepositoryArgs {
  /** Build context: the repository root. */
  context: string;
  /** Dockerfile path; default `<context>/Dockerfile`. */
  dockerfile?: string;
  /** Image platform; default `linux/amd64` (the Fargate tasks' architecture). */
  platform?: string;
  /** Delete the repository with its images on destroy; default false. */
  forceDelete?: boolean;
  /** Untagged images kept for rollbacks (each previous deploy's digest); default 10. */
  keepUntagged?: number;
}

export class ImageRepository extends pulumi.ComponentResource {
  readonly repositoryUrl: pulumi.Output<string>;
  readonly repositoryArn: pulumi.Output<string>;
  /** `<repository>@sha256:...`: what task definitions reference. */
  readonly imageRef: pulumi.Output<string>;

  constructor(name: string, args: ImageRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:ImageRepository", name, {}, opts);
    const parent = { parent: this };

    const repository = new aws.ecr.Repository(
      `${name}-repo`,
      {
        // Tags are immutable except the deploy tag, which each `pulumi up` moves. Tasks pin the
        // digest, so moving it never changes what runs; release tags pushed by hand stay fixed.
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: [{ filter: DEPLOY_TAG, filterType: "WILDCARD" }],
        imageScanningConfiguration: { scanOnPush: true },
        // KMS with the AWS-managed key: encrypted at rest with key use in CloudTrail, no key
        // policy to maintain. Nothing outside this account pulls the image, which is what a
        // customer-managed key would be for.
        encryptionConfigurations: [{ encryptionType: "KMS" }],
        forceDelete: args.forceDelete ?? false,
      },
      parent,
    );

    const keepUntagged = args.keepUntagged ?? 10;
    new aws.ecr.LifecyclePolicy(
      `${name}-lifecycle`,
      {
        repository: repository.name,
        // By count, never by age: a rollback (the circuit breaker's or an operator's) needs the
        // previous deploys' digests, however long ago they were pushed.
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: `keep the ${keepUntagged} newest untagged images (previous deploys)`,
              selection: { tagStatus: "untagged", countType: "imageCountMoreThan", countNumber: keepUntagged },
              action: { type: "expire" },
            },
            {
              rulePriority: 2,
              description: "keep the 50 newest images of any kind",
              selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 },
              action: { type: "expire" },
            },
          ],
        }),
      },
      parent,
    );

    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, parent);
    const image = new docker.Image(
      `${name}-image`,
      {
        imageName: pulumi.interpolate`${repository.repositoryUrl}:${DEPLOY_TAG}`,
        build: {
          context: args.context,
          dockerfile: args.dockerfile ?? path.join(args.context, "Dockerfile"),
          platform: args.platform ?? "linux/amd64",
          // The classic builder: the Dockerfile needs no BuildKit, and hosts without it build too.
          builderVersion: docker.BuilderVersion.BuilderV1,
        },
        registry: {
          server: repository.repositoryUrl,
          username: token.userName,
          // A 12-hour registry credential: secret, so it never lands in state in plain text.
          password: pulumi.secret(token.password),
        },
      },
      parent,
    );

    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.imageRef = image.repoDigest;
    this.registerOutputs({ repositoryUrl: this.repositoryUrl, repositoryArn: this.repositoryArn, imageRef: this.imageRef });
  }
}
