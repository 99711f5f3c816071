/**
 * The Windows MT5 host of the vps target: an EC2 instance from the latest Windows Server AMI
 * prepared by PowerShell user data, with an Elastic IP, or an existing host prepared over SSH.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { createEc2Host } from "./ec2-host.js";
import { DIAL_LIMITS, sshConnection } from "./ssh.js";
import { windowsPrepCommand, windowsUserData } from "./windows-prep.js";
import { TargetConfigError } from "../../errors.js";

/** Windows Server 2022's official AMIs. */
const WINDOWS_AMI = { owner: "amazon", namePattern: "Windows_Server-2022-English-Full-Base-*" };

/** The administrator account OpenSSH logs into. */
export const WINDOWS_SSH_USER = "Administrator";

export interface WindowsMt5HostArgs {
  sshPublicKey: string;
  sshPrivateKey: pulumi.Input<string>;
  linuxHostAddress: pulumi.Input<string>;
  bridgePort: number;
  /** An existing host's address; when unset, `create` describes the instance to create. */
  address?: string;
  create?: { instanceType: string; subnetId: pulumi.Input<string>; securityGroupId: pulumi.Input<string> };
  tags: Record<string, string>;
}

export class WindowsMt5Host extends pulumi.ComponentResource {
  readonly publicAddress: pulumi.Output<string>;
  readonly privateAddress: pulumi.Output<string>;

  constructor(name: string, args: WindowsMt5HostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("quantmind:vps:WindowsHost", name, {}, opts);
    if (!args.address && !args.create) throw new TargetConfigError("WindowsMt5Host needs an existing address or instance settings");
    const prep = pulumi.output(args.linuxHostAddress).apply((linuxHostAddress) => ({
      sshPublicKey: args.sshPublicKey,
      linuxHostAddress,
      bridgePort: args.bridgePort,
    }));

    if (args.create) {
      // No key pair: EC2 Windows AMIs take RSA keys only, and the operator's key arrives by user data instead.
      const { instance, eip } = createEc2Host(
        name,
        {
          ami: WINDOWS_AMI,
          instanceType: args.create.instanceType,
          subnetId: args.create.subnetId,
          securityGroupId: args.create.securityGroupId,
          userData: prep.apply(windowsUserData),
          rootVolumeGb: 60,
          tags: args.tags,
        },
        this,
      );
      this.publicAddress = eip.publicIp;
      this.privateAddress = instance.privateIp;
    } else {
      this.publicAddress = pulumi.output(args.address!);
      this.privateAddress = pulumi.output(args.address!);
      new command.remote.Command(
        `${name}-prepare`,
        {
          connection: sshConnection(args.address!, WINDOWS_SSH_USER, args.sshPrivateKey, DIAL_LIMITS.existing),
          create: prep.apply(windowsPrepCommand),
          triggers: [prep],
        },
        { parent: this },
      );
    }
    this.registerOutputs({ publicAddress: this.publicAddress, privateAddress: this.privateAddress });
  }
}
