/**
 * A created VPS host: the newest AMI matching a pattern, an instance with an encrypted root
 * volume and IMDSv2 only, replaced when its user data changes, and an Elastic IP.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface Ec2HostArgs {
  ami: { owner: string; namePattern: string };
  instanceType: string;
  subnetId: pulumi.Input<string>;
  securityGroupId: pulumi.Input<string>;
  userData: pulumi.Input<string>;
  rootVolumeGb: number;
  keyName?: pulumi.Input<string>;
  tags: Record<string, string>;
}

export interface Ec2Host {
  instance: aws.ec2.Instance;
  eip: aws.ec2.Eip;
}

export function createEc2Host(name: string, args: Ec2HostArgs, parent: pulumi.Resource): Ec2Host {
  const ami = aws.ec2.getAmiOutput(
    { owners: [args.ami.owner], mostRecent: true, filters: [{ name: "name", values: [args.ami.namePattern] }, { name: "architecture", values: ["x86_64"] }] },
    { parent },
  );
  const instance = new aws.ec2.Instance(
    `${name}-instance`,
    {
      ami: ami.id,
      instanceType: args.instanceType,
      subnetId: args.subnetId,
      vpcSecurityGroupIds: [args.securityGroupId],
      ...(args.keyName !== undefined && { keyName: args.keyName }),
      userData: args.userData,
      userDataReplaceOnChange: true,
      rootBlockDevice: { volumeSize: args.rootVolumeGb, volumeType: "gp3", encrypted: true },
      metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
      tags: { ...args.tags, Name: name },
    },
    { parent },
  );
  const eip = new aws.ec2.Eip(`${name}-eip`, { instance: instance.id, domain: "vpc", tags: args.tags }, { parent });
  return { instance, eip };
}
