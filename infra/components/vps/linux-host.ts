/**
 * The Linux Docker host of the vps target: an EC2 instance with Docker installed by user data
 * and an Elastic IP, or an existing host by address. Either way the component is ready only
 * once Docker answers over SSH.
 */
import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { createEc2Host } from "./ec2-host.js";
import { DIAL_LIMITS, sshConnection } from "./ssh.js";
import { TargetConfigError } from "../../errors.js";

/** Debian 12's official AMIs (owner: Debian). */
const DEBIAN_AMI = { owner: "136693071363", namePattern: "debian-12-amd64-*" };

export interface CreatedLinuxHost {
  instanceType: string;
  subnetId: pulumi.Input<string>;
  securityGroupId: pulumi.Input<string>;
  /** Installed as the SSH user's authorized key. */
  sshPublicKey: string;
}

export interface LinuxDockerHostArgs {
  sshUser: string;
  sshPrivateKey: pulumi.Input<string>;
  /** An existing host's address; when unset, `create` describes the instance to create. */
  address?: string;
  create?: CreatedLinuxHost;
  tags: Record<string, string>;
}

export class LinuxDockerHost extends pulumi.ComponentResource {
  /** Address the deployer and operators reach over SSH. */
  readonly publicAddress: pulumi.Output<string>;
  /** Address on the VPC, for the Windows firewall (created hosts; the public one otherwise). */
  readonly privateAddress: pulumi.Output<string>;
  readonly connection: command.types.input.remote.ConnectionArgs;
  /** Completes when Docker answers on the host. */
  readonly ready: command.remote.Command;

  constructor(name: string, args: LinuxDockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:vps:LinuxHost", name, {}, opts);
    if (!args.address && !args.create) throw new TargetConfigError("LinuxDockerHost needs an existing address or instance settings");

    let instanceReady: pulumi.Resource[] = [];
    if (args.create) {
      const keyPair = new aws.ec2.KeyPair(`${name}-key`, { publicKey: args.create.sshPublicKey, tags: args.tags }, { parent: this });
      const { instance, eip } = createEc2Host(
        name,
        {
          ami: DEBIAN_AMI,
          instanceType: args.create.instanceType,
          subnetId: args.create.subnetId,
          securityGroupId: args.create.securityGroupId,
          keyName: keyPair.keyName,
          userData: linuxUserData(args.sshUser),
          rootVolumeGb: 40,
          tags: args.tags,
        },
        this,
      );
      this.publicAddress = eip.publicIp;
      this.privateAddress = instance.privateIp;
      instanceReady = [eip];
    } else {
      this.publicAddress = pulumi.output(args.address!);
      this.privateAddress = pulumi.output(args.address!);
    }

    this.connection = sshConnection(this.publicAddress, args.sshUser, args.sshPrivateKey, args.create ? DIAL_LIMITS.booting : DIAL_LIMITS.existing);
    this.ready = new command.remote.Command(
      `${name}-docker-ready`,
      {
        connection: this.connection,
        // cloud-init finishes installing Docker on a fresh instance; on an existing host it returns at once.
        create: "cloud-init status --wait >/dev/null 2>&1 || true; docker info --format '{{.ServerVersion}}'",
        triggers: [this.publicAddress],
      },
      { parent: this, dependsOn: instanceReady },
    );
    this.registerOutputs({ publicAddress: this.publicAddress, privateAddress: this.privateAddress });
  }
}

/** cloud-init user data: Docker from Debian, the SSH user in the docker group, key-only SSH. No secrets. */
export function linuxUserData(sshUser: string): string {
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    "export DEBIAN_FRONTEND=noninteractive",
    "apt-get update -q",
    "apt-get install -y -q docker.io unattended-upgrades",
    "systemctl enable --now docker",
    `usermod -aG docker ${sshUser}`,
    "sed -i -E 's/^#?PasswordAuthentication .*/PasswordAuthentication no/' /etc/ssh/sshd_config",
    "systemctl reload ssh",
    "",
  ].join("\n");
}
