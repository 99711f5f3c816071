/**
 * The prod stack (Pulumi.prod.yaml as written) on the aws target, evaluated once under mocks and
 * checked resource by resource: what exists, hardening, where secrets go, encryption, exposure,
 * logs, scaling and the QuantConnect Lambda's API.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SERVICE_CATALOGUE } from "../../../infra/catalogue.js";
import { runtimeOn, type Runtime } from "../../../infra/descriptor.js";
import { KB_MCP_PORT } from "../../../services/kb/deploy.js";
import { QDRANT, QDRANT_HTTP_PORT, REDIS_PORT } from "../../../infra/backends.js";
import { SERVICE_USER } from "../../../infra/hardening.js";
import {
  isSecretOutput,
  isSecretWrapper,
  plainTextLeaks,
  reveal,
  secretOccurrences,
  valueOf,
  type RecordedResource,
} from "../../helpers/pulumi-mocks.js";
import { evaluateProdStack, TEST_CERTIFICATE_ARN, type ProdStackRun } from "./prod-stack.js";

/** The catalogue's aws runtimes that run on Fargate by shape (qc-mcp is a Lambda and backup a scheduled task on aws). */
const FARGATE_CATALOGUE = SERVICE_CATALOGUE.flatMap((descriptor) => {
  const runtime = runtimeOn(descriptor, "aws");
  return runtime && ["mcp", "daemon", "job", "queue-worker"].includes(runtime.shape.kind) ? [{ name: descriptor.name, ...(runtime as Runtime) }] : [];
});
/** A service's runtime on aws. */
const awsRuntime = (name: string): Runtime => runtimeOn(SERVICE_CATALOGUE.find((d) => d.name === name)!, "aws")!;

const T = {
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  service: "aws:ecs/service:Service",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  role: "aws:iam/role:Role",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  method: "aws:apigateway/method:Method",
  integration: "aws:apigateway/integration:Integration",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
} as const;

interface Container {
  name: string;
  image: string;
  user?: string;
  readonlyRootFilesystem?: boolean;
  privileged?: boolean;
  linuxParameters?: { capabilities?: { add?: string[]; drop?: string[] } };
  ulimits?: { name: string; softLimit: number; hardLimit: number }[];
  memory?: number;
  cpu?: number;
  mountPoints?: { sourceVolume: string; containerPath: string; readOnly: boolean }[];
  environment?: { name: string; value: string }[];
  secrets?: { name: string; valueFrom: string }[];
  healthCheck?: { command: string[] };
  logConfiguration?: { logDriver: string; options: Record<string, string> };
  dockerSecurityOptions?: string[];
}

let stack: ProdStackRun;
const ofType = (type: string) => stack.run.ofType(type);
const named = (type: string, name: string) => stack.run.named(type, name);
const input = <V = unknown>(r: RecordedResource, key: string) => reveal(r.inputs[key]) as V;
const containersOf = (td: RecordedResource) => JSON.parse(input<string>(td, "containerDefinitions")) as Container[];
const taskDefinition = (service: string) => named(T.taskDefinition, `qm-prod-${service}-task`);
const container = (service: string) => containersOf(taskDefinition(service))[0]!;
const policyOf = (name: string) => JSON.parse(input<string>(named(T.rolePolicy, name), "policy")) as { Statement: { Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown }[] };
const secretArn = (key: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:qm-prod-secrets-${key}-AbCdEf`;

beforeAll(async () => {
  stack = await evaluateProdStack();
});

describe("aws target, prod stack as written", () => {
  it("reads Pulumi.prod.yaml: 2 zones, 90-day logs, 2-6 MCP tasks, deletion protection on", () => {
    expect(stack.config).toMatchObject({ target: "aws", environment: "prod", awsAzCount: 2, logRetentionDays: 90, mcpMinTasks: 2, mcpMaxTasks: 6, deletionProtection: true });
  });

  it("creates each component and the resources they stand for", () => {
    const count = (type: string) => ofType(type).length;
    for (const component of ["Network", "ImageRepository", "Secrets", "Redis", "Qdrant", "LoadBalancer", "Alarms", "McpLambda", "JobTrigger", "ScheduledTask", "Backups"]) {
      expect(count(`quantmind:aws:${component}`), component).toBe(1);
    }
    expect(count("quantmind:aws:Service")).toBe(FARGATE_CATALOGUE.length);
    // One component builds every task definition: the services', Qdrant's and the scheduled backup's.
    expect(count("quantmind:aws:FargateTask")).toBe(count(T.taskDefinition));
    expect(count("aws:ec2/vpc:Vpc")).toBe(1);
    expect(count("aws:ec2/subnet:Subnet")).toBe(4);
    expect(count("aws:ec2/natGateway:NatGateway")).toBe(2);
    expect(count("aws:ecs/cluster:Cluster")).toBe(1);
    expect(count("aws:elasticache/replicationGroup:ReplicationGroup")).toBe(1);
    expect(count("aws:efs/fileSystem:FileSystem")).toBe(1);
    expect(count("aws:efs/mountTarget:MountTarget")).toBe(2);
    expect(count("aws:lb/loadBalancer:LoadBalancer")).toBe(1);
    expect(count("aws:lambda/function:Function")).toBe(1);
    expect(count("aws:apigateway/restApi:RestApi")).toBe(1);
    expect(count("docker:index/image:Image")).toBe(1);
    expect(count("aws:ecr/repository:Repository")).toBe(1);
    // Every container runtime and the scheduled backup have task definitions; only the long-running ones are ECS services.
    expect(ofType(T.taskDefinition).map((r) => r.name).sort()).toEqual([
      "qm-prod-backtest-mcp-task",
      "qm-prod-backtest-worker-task",
      "qm-prod-backup-task",
      "qm-prod-kb-indexer-task",
      "qm-prod-kb-mcp-task",
      "qm-prod-qdrant-task",
      "qm-prod-strategy-agent-task",
    ]);
    expect(ofType(T.service).map((r) => r.name).sort()).toEqual([
      "qm-prod-backtest-mcp-service",
      "qm-prod-backtest-worker-service",
      "qm-prod-kb-mcp-service",
      "qm-prod-qdrant-service",
      "qm-prod-strategy-agent-service",
    ]);
    // kb-indexer runs after each kb-mcp rollout (kb-mcp lists it in `after`).
    expect(ofType("aws:cloudwatch/eventRule:EventRule").map((r) => r.name)).toEqual(["qm-prod-kb-indexer-trigger-after-kb-mcp"]);
  });

  describe("hardening", () => {
    it("is on every container of every task definition", () => {
      const tds = ofType(T.taskDefinition);
      expect(tds.length).toBeGreaterThan(0);
      for (const td of tds) {
        const volumes = input<{ name: string; efsVolumeConfiguration?: unknown; hostPath?: string }[]>(td, "volumes");
        for (const c of containersOf(td)) {
          const where = `${td.name}/${c.name}`;
          expect(c.user, where).toMatch(/^[1-9]\d*:[1-9]\d*$/);
          expect(c.readonlyRootFilesystem, where).toBe(true);
          expect(c.privileged, where).not.toBe(true);
          expect(c.linuxParameters?.capabilities?.drop, where).toEqual(["ALL"]);
          expect(c.linuxParameters?.capabilities?.add, where).toBeUndefined();
          expect(c.ulimits?.find((u) => u.name === "nproc"), where).toMatchObject({ softLimit: expect.any(Number), hardLimit: expect.any(Number) });
          expect(c.memory, where).toBeGreaterThan(0);
          // Fargate rejects docker security options; the comment in container-definition.ts says what covers them.
          expect(c.dockerSecurityOptions, where).toBeUndefined();
          // Every writable path is a volume of the task, none from a host.
          for (const mount of c.mountPoints ?? []) {
            const volume = volumes.find((v) => v.name === mount.sourceVolume);
            expect(volume, `${where} ${mount.containerPath}`).toBeDefined();
            expect(volume?.hostPath, where).toBeUndefined();
          }
          expect(c.mountPoints?.map((m) => m.containerPath), where).toContain("/tmp");
        }
      }
    });

    it("takes each service's user, limits and writable paths from the catalogue", () => {
      for (const definition of FARGATE_CATALOGUE) {
        const c = container(definition.name);
        expect(c.user).toBe(SERVICE_USER);
        expect(c.ulimits).toEqual([{ name: "nproc", softLimit: definition.limits.pidsLimit, hardLimit: definition.limits.pidsLimit }]);
        expect(c.memory).toBe(definition.limits.memoryMb);
        expect(c.cpu).toBe(definition.limits.cpus * 1024);
        expect(c.mountPoints?.map((m) => m.containerPath)).toEqual([...definition.tmpfsPaths]);
        // The task is at least as big as its container, in a size Fargate offers.
        const td = taskDefinition(definition.name);
        expect(Number(input(td, "memory"))).toBeGreaterThanOrEqual(definition.limits.memoryMb);
        expect(Number(input(td, "cpu"))).toBeGreaterThanOrEqual(definition.limits.cpus * 1024);
        expect(input(td, "requiresCompatibilities")).toEqual(["FARGATE"]);
      }
      const qdrant = container("qdrant");
      expect(qdrant.user).toBe(QDRANT.hardening.user);
      expect(qdrant.ulimits?.[0]?.hardLimit).toBe(QDRANT.hardening.pidsLimit);
    });

    it("runs the image this deploy built, by digest, with the catalogue's command and health check", () => {
      const kb = awsRuntime("kb-mcp");
      const c = container("kb-mcp") as Container & { command: string[] };
      expect(c.image).toMatch(/^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/.+@sha256:[0-9a-f]{64}$/);
      expect(c.command).toEqual([...kb.command]);
      expect(c.healthCheck?.command).toEqual(["CMD", "node", "/app/bin/healthcheck.js", String(KB_MCP_PORT)]);
      expect(container("kb-indexer").healthCheck).toBeUndefined();
      const image = ofType("docker:index/image:Image")[0]!;
      expect(input(image, "build")).toMatchObject({ platform: "linux/amd64", builderVersion: "BuilderV1", dockerfile: expect.stringMatching(/\/Dockerfile$/) });
    });
  });

  describe("secrets", () => {
    const values = () => Object.values(stack.secrets);

    it("appear in no input in plain text", () => {
      expect(plainTextLeaks(stack.run.resources, values())).toEqual([]);
    });

    it("go only into the Secrets Manager versions, the Redis AUTH token and the API Gateway key, wrapped as secrets", () => {
      const places = secretOccurrences(stack.run.resources, values());
      expect(places.map((p) => p.where).sort()).toEqual(
        [
          `${T.secretVersion} qm-prod-secrets-qdrantApiKey-value.secretString`,
          `${T.secretVersion} qm-prod-secrets-kbMcpApiKey-value.secretString`,
          `${T.secretVersion} qm-prod-secrets-backtestMcpApiKey-value.secretString`,
          `${T.secretVersion} qm-prod-secrets-agentMcpApiKey-value.secretString`,
          // The embedding endpoint's key, by reference to kb-indexer and kb-mcp.
          `${T.secretVersion} qm-prod-secrets-embeddingsApiKey-value.secretString`,
          // Services that read Redis (backtest, the agent) get its password by reference.
          `${T.secretVersion} qm-prod-secrets-redisPassword-value.secretString`,
          `${T.secretVersion} qm-prod-qc-mcp-credentials-value.secretString`,
          "aws:elasticache/replicationGroup:ReplicationGroup qm-prod-redis-group.authToken",
          `${T.secretVersion} qm-prod-qc-mcp-client-key-value.secretString`,
          "aws:apigateway/apiKey:ApiKey qm-prod-qc-mcp-key.value",
        ].sort(),
      );
      expect(places.every((p) => p.wrapped)).toBe(true);
    });

    it("reach each task by reference to its own secrets' current versions, never as environment", () => {
      const kb = awsRuntime("kb-mcp") as Runtime & { secrets: Record<string, string> };
      const c = container("kb-mcp");
      expect(c.secrets?.map((s) => s.name).sort()).toEqual(Object.keys(kb.secrets).sort());
      for (const s of c.secrets ?? []) expect(s.valueFrom).toMatch(new RegExp(`^${secretArn(kb.secrets[s.name]!)}:::v-[0-9a-f]+$`));
      for (const variable of Object.keys(kb.secrets)) expect(c.environment?.map((e) => e.name)).not.toContain(variable);
      expect(container("qdrant").secrets).toEqual([{ name: "QDRANT__SERVICE__API_KEY", valueFrom: expect.stringMatching(new RegExp(`^${secretArn("qdrantApiKey")}:::`)) }]);
    });

    it("are readable by each execution role only for that task's own secrets", () => {
      const readable = (role: string) =>
        policyOf(`${role}-execution`).Statement.filter((s) => [s.Action].flat().includes("secretsmanager:GetSecretValue")).flatMap((s) => [s.Resource].flat()).sort();
      expect(readable("qm-prod-kb-mcp")).toEqual([secretArn("embeddingsApiKey"), secretArn("kbMcpApiKey"), secretArn("qdrantApiKey")].sort());
      expect(readable("qm-prod-kb-indexer")).toEqual([secretArn("embeddingsApiKey"), secretArn("qdrantApiKey")].sort());
      expect(readable("qm-prod-qdrant")).toEqual([secretArn("qdrantApiKey")]);
    });

    it("stay secret outputs: the MCP keys, and the ECR credential the image push uses", async () => {
      for (const endpoint of stack.target.mcpEndpoints) {
        expect(await isSecretOutput(endpoint.apiKey), endpoint.service).toBe(true);
      }
      expect(isSecretWrapper(ofType("docker:index/image:Image")[0]!.inputs["registry"])).toBe(true);
    });

    it("appear in no output of the target", async () => {
      const outputs = [
        ...Object.values(stack.target.endpoints),
        ...stack.target.mcpEndpoints.map((e) => e.url),
        stack.target.accessNotes!,
        ...Object.values(stack.target.jobs).flatMap((j) => [j.runTaskCommand, j.taskDefinitionArn]),
      ];
      for (const output of outputs) {
        const value = String(await valueOf(output));
        for (const secret of values()) expect(value).not.toContain(secret);
      }
    });
  });

  describe("encryption", () => {
    it("ElastiCache: at rest, in transit (required), AUTH token with rotation, failover across zones", () => {
      const group = ofType("aws:elasticache/replicationGroup:ReplicationGroup")[0]!;
      expect(reveal(group.inputs)).toMatchObject({
        atRestEncryptionEnabled: true,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        authTokenUpdateStrategy: "ROTATE",
        engine: "redis",
        engineVersion: expect.stringMatching(/^7\./),
        numCacheClusters: 2,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
      });
      expect(isSecretWrapper(group.inputs["authToken"])).toBe(true);
    });

    it("EFS: encrypted at rest, TLS to every mount, IAM access points as uid/gid 1000, a policy refusing plain NFS", () => {
      expect(input(ofType("aws:efs/fileSystem:FileSystem")[0]!, "encrypted")).toBe(true);
      const efsVolumes = input<{ efsVolumeConfiguration?: { transitEncryption: string; authorizationConfig: { iam: string } } }[]>(taskDefinition("qdrant"), "volumes").filter((v) => v.efsVolumeConfiguration);
      expect(efsVolumes).toHaveLength(Object.keys(QDRANT.volumes).length);
      for (const v of efsVolumes) expect(v.efsVolumeConfiguration).toMatchObject({ transitEncryption: "ENABLED", authorizationConfig: { iam: "ENABLED" } });
      for (const ap of ofType("aws:efs/accessPoint:AccessPoint")) expect(input(ap, "posixUser")).toEqual({ uid: 1000, gid: 1000 });
      const policy = JSON.parse(input<string>(ofType("aws:efs/fileSystemPolicy:FileSystemPolicy")[0]!, "policy")) as { Statement: { Effect: string; Condition?: unknown }[] };
      expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }));
    });
  });

  describe("exposure", () => {
    it("opens only the ALB to CIDRs; Redis, Qdrant and EFS admit only security groups", () => {
      const albSg = "qm-prod-edge-sg-id";
      for (const rule of ofType(T.ingress)) {
        const cidr = input<string | undefined>(rule, "cidrIpv4");
        if (cidr !== undefined) expect(input(rule, "securityGroupId"), rule.name).toBe(albSg);
      }
      const admitted = (sg: string) => ofType(T.ingress).filter((r) => input(r, "securityGroupId") === sg);
      expect(admitted("qm-prod-redis-sg-id").map((r) => [input(r, "referencedSecurityGroupId"), input(r, "fromPort")])).toEqual([["qm-prod-services-sg-id", REDIS_PORT]]);
      expect(admitted("qm-prod-qdrant-sg-id").map((r) => [input(r, "referencedSecurityGroupId"), input(r, "fromPort")])).toEqual([["qm-prod-services-sg-id", QDRANT_HTTP_PORT]]);
      expect(admitted("qm-prod-qdrant-efs-sg-id").map((r) => input(r, "referencedSecurityGroupId"))).toEqual(["qm-prod-qdrant-sg-id"]);
      // The services admit only the ALB.
      expect(admitted("qm-prod-services-sg-id").map((r) => [input(r, "referencedSecurityGroupId"), input(r, "fromPort")])).toEqual([
        [albSg, KB_MCP_PORT],
        [albSg, 8002],
        [albSg, 8080],
      ]);
      // No security group carries inline rules that would escape these checks.
      for (const sg of ofType(T.securityGroup)) expect(sg.inputs["ingress"], sg.name).toBeUndefined();
    });

    it("gives the ALB 443 and 80 from albAllowedCidrs (default: anywhere) and no task a public IP", () => {
      const albRules = ofType(T.ingress).filter((r) => input(r, "securityGroupId") === "qm-prod-edge-sg-id");
      expect(albRules.map((r) => [input(r, "cidrIpv4"), input(r, "fromPort")]).sort()).toEqual([["0.0.0.0/0", 443], ["0.0.0.0/0", 80]]);
      for (const service of ofType(T.service)) expect(input(service, "networkConfiguration"), service.name).toMatchObject({ assignPublicIp: false });
      expect(input(ofType("aws:lb/loadBalancer:LoadBalancer")[0]!, "internal")).toBe(false);
      for (const subnet of ofType("aws:ec2/subnet:Subnet")) expect(input(subnet, "mapPublicIpOnLaunch")).toBe(false);
    });

    it("serves HTTPS with the stack's certificate and a TLS 1.2+ policy, and redirects HTTP", () => {
      const https = named("aws:lb/listener:Listener", "qm-prod-edge-https");
      expect(reveal(https.inputs)).toMatchObject({ port: 443, protocol: "HTTPS", certificateArn: TEST_CERTIFICATE_ARN, sslPolicy: expect.stringMatching(/^ELBSecurityPolicy-TLS13-1-2/) });
      const http = named("aws:lb/listener:Listener", "qm-prod-edge-http");
      expect(reveal(http.inputs)).toMatchObject({ port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] });
      expect(input(ofType("aws:lb/loadBalancer:LoadBalancer")[0]!, "enableDeletionProtection")).toBe(true);
    });

    it("routes /kb/mcp to kb-mcp's /mcp, health-checks /healthz, and outputs the URL clients use", async () => {
      const rule = named("aws:lb/listenerRule:ListenerRule", "qm-prod-edge-kb-mcp");
      expect(reveal(rule.inputs)).toMatchObject({
        conditions: [{ pathPattern: { values: ["/kb/mcp"] } }],
        transforms: [{ type: "url-rewrite", urlRewriteConfig: { rewrite: { regex: "^/kb/mcp$", replace: "/mcp" } } }],
        actions: [{ type: "forward", targetGroupArn: expect.stringContaining("qm-prod-edge-kb-mcp") }],
      });
      expect(input(named("aws:lb/targetGroup:TargetGroup", "qm-prod-edge-kb-mcp"), "healthCheck")).toMatchObject({ path: "/healthz", matcher: "200" });
      expect(input(named(T.service, "qm-prod-kb-mcp-service"), "loadBalancers")).toEqual([{ targetGroupArn: expect.stringContaining("qm-prod-edge-kb-mcp"), containerName: "kb-mcp", containerPort: KB_MCP_PORT }]);
      const kb = stack.target.mcpEndpoints.find((e) => e.service === "kb-mcp")!;
      // The host is the certificate's domain (the mocks' ACM certificate is for mcp.example.com).
      expect(await valueOf(kb.url)).toBe("https://mcp.example.com/kb/mcp");
      expect(kb.clientName).toBe("quantmind-kb");
      expect(await valueOf(stack.target.accessNotes!)).toContain("Point mcp.example.com at");
    });

    it("keeps Qdrant private: Cloud Map DNS in the VPC, one task so one writer", async () => {
      expect(reveal(named(T.service, "qm-prod-qdrant-service").inputs)).toMatchObject({ desiredCount: 1, deploymentMinimumHealthyPercent: 0, deploymentMaximumPercent: 100 });
      expect(named(T.service, "qm-prod-qdrant-service").inputs["loadBalancers"]).toBeUndefined();
      expect(await valueOf(stack.target.endpoints["qdrant"]!)).toBe(`http://qdrant.qm-prod.internal:${QDRANT_HTTP_PORT}`);
      expect(await valueOf(stack.target.endpoints["redis"]!)).toMatch(/^rediss:\/\/[^@]+:6379$/);
      const env = Object.fromEntries(container("kb-mcp").environment!.map((e) => [e.name, e.value]));
      expect(env["QDRANT_URL"]).toBe(`http://qdrant.qm-prod.internal:${QDRANT_HTTP_PORT}`);
    });
  });

  describe("operations", () => {
    it("gives every log group the configured retention, and sends every container's logs to one", () => {
      const groups = ofType(T.logGroup);
      expect(groups.length).toBeGreaterThanOrEqual(4);
      for (const group of groups) expect(input(group, "retentionInDays"), group.name).toBe(90);
      const names = groups.map((g) => input<string>(g, "name"));
      for (const td of ofType(T.taskDefinition)) {
        for (const c of containersOf(td)) {
          expect(c.logConfiguration?.logDriver).toBe("awslogs");
          expect(names).toContain(c.logConfiguration?.options["awslogs-group"]);
        }
      }
      expect(names).toContain(input<{ logGroup: string }>(ofType("aws:lambda/function:Function")[0]!, "loggingConfig").logGroup);
    });

    it("autoscales the stateless kb-mcp on CPU between mcpMinTasks and mcpMaxTasks, and nothing stateful", () => {
      const targets = ofType("aws:appautoscaling/target:Target");
      expect(targets.map((t) => t.name).sort()).toEqual(["qm-prod-backtest-mcp-scaling", "qm-prod-backtest-worker-scaling", "qm-prod-kb-mcp-scaling"]);
      expect(reveal(named("aws:appautoscaling/target:Target", "qm-prod-kb-mcp-scaling").inputs)).toMatchObject({ minCapacity: 2, maxCapacity: 6, scalableDimension: "ecs:service:DesiredCount", serviceNamespace: "ecs" });
      expect(reveal(named("aws:appautoscaling/policy:Policy", "qm-prod-kb-mcp-cpu").inputs)).toMatchObject({
        policyType: "TargetTrackingScaling",
        targetTrackingScalingPolicyConfiguration: { predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" } },
      });
      expect(input(named(T.service, "qm-prod-kb-mcp-service"), "desiredCount")).toBe(2);
      // The strategy agent: one task, the old one stopped before the new one starts (its risk state is per process).
      const agent = named(T.service, "qm-prod-strategy-agent-service");
      expect([input(agent, "desiredCount"), input(agent, "deploymentMinimumHealthyPercent"), input(agent, "deploymentMaximumPercent")]).toEqual([1, 0, 100]);
    });

    it("deploys every service with a circuit breaker that rolls back", () => {
      for (const service of ofType(T.service)) expect(input(service, "deploymentCircuitBreaker"), service.name).toEqual({ enable: true, rollback: true });
    });

    it("runs kb-indexer after every kb-mcp rollout, and gives the exact run-task command", async () => {
      const rule = named("aws:cloudwatch/eventRule:EventRule", "qm-prod-kb-indexer-trigger-after-kb-mcp");
      expect(JSON.parse(input<string>(rule, "eventPattern"))).toEqual({
        source: ["aws.ecs"],
        "detail-type": ["ECS Deployment State Change"],
        resources: ["arn:aws:ecs:eu-west-1:123456789012:service/qm-prod-kb-mcp-service"],
        detail: { eventName: ["SERVICE_DEPLOYMENT_COMPLETED"] },
      });
      const target = named("aws:cloudwatch/eventTarget:EventTarget", "qm-prod-kb-indexer-trigger-after-kb-mcp");
      expect(reveal(target.inputs)).toMatchObject({
        arn: expect.stringContaining(":cluster/"),
        ecsTarget: { taskDefinitionArn: expect.stringContaining("task-definition/qm-prod-kb-indexer:"), launchType: "FARGATE", taskCount: 1, networkConfiguration: { assignPublicIp: false } },
      });
      // EventBridge may start only this family, in this cluster, passing only the job's own roles.
      const statements = policyOf("qm-prod-kb-indexer-trigger-events").Statement;
      expect(statements[0]).toMatchObject({ Action: "ecs:RunTask", Resource: expect.stringMatching(/task-definition\/qm-prod-kb-indexer:\*$/), Condition: { ArnEquals: { "ecs:cluster": expect.stringContaining(":cluster/") } } });
      expect(statements[1]).toMatchObject({ Action: "iam:PassRole", Resource: [expect.stringContaining("qm-prod-kb-indexer-execution"), expect.stringContaining("qm-prod-kb-indexer-task")] });
      const command = await valueOf(stack.target.jobs["kb-indexer"]!.runTaskCommand);
      expect(command).toMatch(/^aws ecs run-task --region eu-west-1 --cluster \S+ --task-definition arn:aws:ecs:\S+:task-definition\/qm-prod-kb-indexer:\d+ --launch-type FARGATE/);
      expect(command).toContain("subnets=[qm-prod-network-private-0-id,qm-prod-network-private-1-id]");
      expect(command).toContain("assignPublicIp=DISABLED");
    });

    it("alarms on ALB 5xx, unhealthy targets, ECS CPU and memory, ElastiCache CPU and memory, all to the topic", () => {
      const alarms = ofType(T.alarm).map((a) => reveal(a.inputs) as { metricName?: string; namespace?: string; metricQueries?: { metric?: { metricName: string } }[]; alarmActions: string[]; dimensions?: Record<string, string> });
      const metric = (a: (typeof alarms)[number]) => a.metricName ?? a.metricQueries?.map((q) => q.metric?.metricName).filter(Boolean).join("+");
      const metrics = alarms.map(metric);
      expect(metrics).toContain("HTTPCode_ELB_5XX_Count+HTTPCode_Target_5XX_Count");
      expect(metrics).toContain("UnHealthyHostCount");
      for (const service of ["qm-prod-kb-mcp-service", "qm-prod-qdrant-service"]) {
        for (const m of ["CPUUtilization", "MemoryUtilization"]) expect(alarms.some((a) => a.metricName === m && a.dimensions?.["ServiceName"] === service), `${service} ${m}`).toBe(true);
      }
      for (const node of ["001", "002"]) {
        for (const m of ["EngineCPUUtilization", "DatabaseMemoryUsagePercentage"]) expect(alarms.some((a) => a.metricName === m && a.dimensions?.["CacheClusterId"] === `qm-prod-redis-group-id-${node}`), `${node} ${m}`).toBe(true);
      }
      for (const a of alarms) expect(a.alarmActions).toEqual([expect.stringContaining(":sns:")]);
      // Pulumi.prod.yaml sets no alarm email.
      expect(ofType("aws:sns/topicSubscription:TopicSubscription")).toEqual([]);
    });
  });

  describe("IAM", () => {
    it("trusts only this account's ECS tasks, and gives task roles nothing but Qdrant's EFS mount and the backup bucket", () => {
      const taskRoles = ofType(T.role).filter((r) => r.name.endsWith("-task"));
      expect(taskRoles.map((r) => r.name).sort()).toEqual([
        "qm-prod-backtest-mcp-task",
        "qm-prod-backtest-worker-task",
        "qm-prod-backup-task-task",
        "qm-prod-kb-indexer-task",
        "qm-prod-kb-mcp-task",
        "qm-prod-qdrant-task",
        "qm-prod-strategy-agent-task",
      ]);
      for (const role of [...taskRoles, ...ofType(T.role).filter((r) => r.name.endsWith("-execution"))]) {
        expect(JSON.parse(input<string>(role, "assumeRolePolicy")).Statement[0]).toMatchObject({ Principal: { Service: "ecs-tasks.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } });
      }
      const taskPolicies = ofType(T.rolePolicy).filter((p) => p.name.endsWith("-task"));
      // The queue worker's depth reaches CloudWatch through a metric filter on its logs, so neither it nor the agent has a task policy.
      expect(taskPolicies.map((p) => p.name).sort()).toEqual(["qm-prod-backup-task-task", "qm-prod-qdrant-task"]);
      expect(policyOf("qm-prod-backup-task-task").Statement.flatMap((s) => [s.Action].flat())).toEqual(["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
      expect(policyOf("qm-prod-qdrant-task").Statement.flatMap((s) => [s.Action].flat())).toEqual(["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]);
    });

    it("scopes every execution role statement to named resources (ECR's token call aside)", () => {
      for (const policy of ofType(T.rolePolicy).filter((p) => p.name.endsWith("-execution"))) {
        for (const statement of policyOf(policy.name).Statement) {
          if ([statement.Action].flat().includes("ecr:GetAuthorizationToken")) {
            expect(statement.Action).toBe("ecr:GetAuthorizationToken");
            continue;
          }
          expect([statement.Resource].flat(), policy.name).not.toContain("*");
        }
      }
    });
  });

  describe("QuantConnect MCP on Lambda (the component itself: qc-lambda.test.ts)", () => {
    it("gets its credentials from the stack's qc secrets and is an MCP endpoint with its own key", async () => {
      expect(JSON.parse(reveal(named(T.secretVersion, "qm-prod-qc-mcp-credentials-value").inputs["secretString"]) as string)).toEqual({ userId: stack.secrets.qcUserId, apiToken: stack.secrets.qcApiToken });
      const qc = stack.target.mcpEndpoints.find((e) => e.service === "qc-mcp")!;
      expect(qc.clientName).toBe("quantmind-qc");
      expect(await valueOf(qc.url)).toMatch(/^https:\/\/qm-prod-qc-mcp-api-id\.execute-api\.eu-west-1\.amazonaws\.com\/v1\/mcp$/);
      expect(await valueOf(qc.apiKey)).toBe(stack.secrets.qcMcpApiKey);
      // Its alarms go to the stack's topic.
      for (const alarm of ofType(T.alarm).filter((a) => input(a, "namespace") === "AWS/Lambda")) expect(input(alarm, "alarmActions")).toEqual([expect.stringContaining(":sns:")]);
    });
  });
});
