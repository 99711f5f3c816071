/**
 * The aws target's alarms and where they go: an SNS topic (optionally mailed to an operator) and
 * CloudWatch alarms for ALB 5xx and unhealthy targets, ECS CPU and memory per service, and
 * ElastiCache CPU and memory per node. Other components (the QuantConnect Lambda) send their
 * alarms to the same topic.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AlarmsArgs {
  /** Email subscribed to the topic (AWS mails a confirmation link first); optional. */
  email?: string;
  loadBalancerArnSuffix: pulumi.Input<string>;
  /** Target groups by service name. */
  targetGroups: Readonly<Record<string, { arnSuffix: pulumi.Input<string> }>>;
  /** ECS services to watch, by service name. */
  ecsServices: Readonly<Record<string, pulumi.Input<string>>>;
  clusterName: pulumi.Input<string>;
  redisNodeIds: pulumi.Input<string>[];
  /** Percent of CPU or memory that counts as high; default 80. */
  highPercent?: number;
}

export class Alarms extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:aws:Alarms", name, {}, opts);
    const parent = { parent: this };
    // Not encrypted with the AWS-managed SNS key: CloudWatch cannot publish to a topic under that
    // key (its policy cannot grant CloudWatch), and alarm messages carry no secrets.
    const topic = new aws.sns.Topic(`${name}-topic`, { displayName: "QuantMind alarms" }, parent);
    if (args.email !== undefined) {
      new aws.sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: args.email }, parent);
    }
    this.topicArn = topic.arn;
    const high = args.highPercent ?? 80;

    const alarm = (role: string, description: string, spec: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "alarmDescription">) => {
      new aws.cloudwatch.MetricAlarm(`${name}-${role}`, { alarmDescription: description, alarmActions: [topic.arn], okActions: [topic.arn], ...spec }, parent);
    };

    alarm("alb-5xx", "the ALB or its targets answered 5xx ten times or more in 5 minutes", {
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 10,
      evaluationPeriods: 1,
      metricQueries: [
        { id: "elb", metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_ELB_5XX_Count", dimensions: { LoadBalancer: args.loadBalancerArnSuffix }, period: 300, stat: "Sum" } },
        { id: "target", metric: { namespace: "AWS/ApplicationELB", metricName: "HTTPCode_Target_5XX_Count", dimensions: { LoadBalancer: args.loadBalancerArnSuffix }, period: 300, stat: "Sum" } },
        { id: "total", expression: "FILL(elb, 0) + FILL(target, 0)", label: "5xx answers", returnData: true },
      ],
      treatMissingData: "notBreaching",
    });
    for (const [service, group] of Object.entries(args.targetGroups)) {
      alarm(`${service}-unhealthy`, `${service} has had an unhealthy target for 3 minutes`, {
        namespace: "AWS/ApplicationELB",
        metricName: "UnHealthyHostCount",
        dimensions: { LoadBalancer: args.loadBalancerArnSuffix, TargetGroup: group.arnSuffix },
        statistic: "Maximum",
        period: 60,
        evaluationPeriods: 3,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        treatMissingData: "notBreaching",
      });
    }
    // CPU and memory above `high` for three 5-minute periods, per ECS service and Redis node.
    const utilisation = (key: string, what: string, namespace: string, dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>, metrics: readonly (readonly [string, string])[]) => {
      for (const [metricName, role] of metrics) {
        alarm(`${key}-${role}`, `${what}: average ${role} above ${high}% for 15 minutes`, {
          namespace,
          metricName,
          dimensions,
          statistic: "Average",
          period: 300,
          evaluationPeriods: 3,
          comparisonOperator: "GreaterThanThreshold",
          threshold: high,
          treatMissingData: "missing",
        });
      }
    };
    for (const [service, serviceName] of Object.entries(args.ecsServices)) {
      utilisation(service, service, "AWS/ECS", { ClusterName: args.clusterName, ServiceName: serviceName }, [["CPUUtilization", "cpu"], ["MemoryUtilization", "memory"]]);
    }
    args.redisNodeIds.forEach((nodeId, i) => {
      utilisation(`redis-${i + 1}`, `Redis node ${i + 1}`, "AWS/ElastiCache", { CacheClusterId: nodeId }, [["EngineCPUUtilization", "cpu"], ["DatabaseMemoryUsagePercentage", "memory"]]);
    });

    this.registerOutputs({ topicArn: this.topicArn });
  }
}
