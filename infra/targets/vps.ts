/**
 * The `vps` target: a Linux Docker host running the same services as local, driven by the
 * Docker provider over SSH, and a Windows host with MetaTrader 5 for the socket bridge. Both
 * are EC2 instances the stack creates, or existing hosts by address.
 *
 * MCP ports are published on the Linux host's loopback only; clients reach them through an SSH
 * tunnel (the `accessNotes` output gives the command), so no MCP traffic crosses the internet
 * unencrypted.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { SERVICE_CATALOGUE } from "../catalogue.js";
import { remoteDockerHost } from "../components/docker/docker-host.js";
import type { AnyServiceDescriptor } from "../descriptor.js";
import { deploymentsFor } from "../deployments.js";
import { DescriptorError, TargetConfigError } from "../errors.js";
import { LinuxDockerHost } from "../components/vps/linux-host.js";
import { VpsNetwork } from "../components/vps/network.js";
import { dockerSshOptions } from "../components/vps/ssh-key-file.js";
import { Mt5Bridge } from "../components/vps/mt5-bridge.js";
import { DIAL_LIMITS, sshConnection } from "../components/vps/ssh.js";
import { WINDOWS_SSH_USER, WindowsMt5Host } from "../components/vps/windows-host.js";
import type { VpsStackConfig } from "../../stacks/schema.js";
import type { StackSecrets } from "../../stacks/load.js";
import { deployDockerStack, dockerEndpoints } from "./docker-stack.js";
import type { DeployedTarget } from "./target.js";

export interface VpsTargetOptions {
  /** Where the SSH key file for the Docker CLI goes; default ~/.quantmind/ssh. */
  sshKeyDir?: string;
  /** The services to deploy; default the catalogue. */
  catalogue?: readonly AnyServiceDescriptor[];
}

export function createVpsTarget(config: VpsStackConfig, secrets: StackSecrets, options: VpsTargetOptions = {}): DeployedTarget {
  const stackName = pulumi.getStack();
  const sshPrivateKey = secrets.vpsSshPrivateKey;
  if (!sshPrivateKey || !config.vpsSshPublicKey) throw new TargetConfigError("the vps target needs quantmind:vpsSshPublicKey and the vpsSshPrivateKey secret");
  const catalogue = options.catalogue ?? SERVICE_CATALOGUE;
  // The Windows host is prepared for the MT5 terminal and the bridge (windows-prep.ts); services
  // declared for it are not deployed by descriptor yet, so one would be refused, not dropped.
  const onWindows = deploymentsFor("vps", catalogue).filter((d) => d.host === "windows");
  if (onWindows.length > 0) {
    throw new DescriptorError("SHAPE_NOT_ON_TARGET", `${onWindows.map((d) => d.name).join(", ")}: the vps target does not deploy Windows-host services from descriptors yet`);
  }
  const tags = { project: "quantmind", stack: stackName, environment: config.environment };
  const create = config.vpsProvision === "create";

  const network = create
    ? new VpsNetwork("vps", { vpcCidr: config.vpsVpcCidr, operatorCidrs: config.vpsOperatorCidrs, bridgePort: config.mt5BridgePort, tags })
    : undefined;
  const linux = new LinuxDockerHost("linux-host", {
    sshUser: config.vpsSshUser,
    sshPrivateKey,
    address: config.vpsLinuxAddress,
    ...(network && {
      create: {
        instanceType: config.vpsLinuxInstanceType,
        subnetId: network.subnetId,
        securityGroupId: network.linuxSecurityGroupId,
        sshPublicKey: config.vpsSshPublicKey,
      },
    }),
    tags,
  });
  const windows = new WindowsMt5Host("windows-host", {
    sshPublicKey: config.vpsSshPublicKey,
    sshPrivateKey,
    linuxHostAddress: linux.privateAddress,
    bridgePort: config.mt5BridgePort,
    address: config.vpsWindowsAddress,
    ...(network && {
      create: { instanceType: config.vpsWindowsInstanceType, subnetId: network.subnetId, securityGroupId: network.windowsSecurityGroupId },
    }),
    tags,
  });
  // The MT5 bridge on the Windows host, once its preparation is done; the Linux side pins its certificate.
  if (!secrets.mt5BridgeToken || !secrets.mt5BridgeTls || !secrets.mt5Password) throw new TargetConfigError("the vps target needs the mt5BridgeToken, mt5BridgeTls and mt5Password secrets");
  if ((config.mt5Login === undefined) !== (config.mt5Server === undefined)) throw new TargetConfigError("set both quantmind:mt5Login and quantmind:mt5Server, or neither");
  const bridge = new Mt5Bridge(
    "mt5-bridge",
    {
      connection: sshConnection(windows.publicAddress, WINDOWS_SSH_USER, sshPrivateKey, create ? DIAL_LIMITS.booting : DIAL_LIMITS.existing),
      port: config.mt5BridgePort,
      token: secrets.mt5BridgeToken,
      tls: secrets.mt5BridgeTls,
      ...(config.mt5Login !== undefined && config.mt5Server !== undefined && { account: { login: config.mt5Login, server: config.mt5Server, password: secrets.mt5Password } }),
    },
    { dependsOn: [windows] },
  );

  const provider = new docker.Provider(
    "vps-docker",
    { host: pulumi.interpolate`ssh://${config.vpsSshUser}@${linux.publicAddress}`, sshOpts: dockerSshOptions(stackName, sshPrivateKey, options.sshKeyDir) },
    { dependsOn: [linux.ready] },
  );
  const stack = deployDockerStack({
    namePrefix: `qm-${stackName}`,
    host: remoteDockerHost(provider, linux.connection, [linux.ready]),
    subnet: config.vpsDockerSubnet,
    config,
    secrets,
    catalogue,
    mt5Bridge: pulumi.all([windows.privateAddress, bridge.fingerprint]).apply(([host, fingerprint]) => ({ host, port: config.mt5BridgePort, fingerprint })),
  });

  const { endpoints, mcpEndpoints } = dockerEndpoints(stack, secrets);
  const ports = [...stack.services.values()].flatMap((service) => (service.hostPort === undefined ? [] : [service.hostPort]));
  return {
    endpoints: {
      ...endpoints,
      linuxHost: linux.publicAddress,
      windowsHost: windows.publicAddress,
      mt5Bridge: pulumi.interpolate`${windows.privateAddress}:${config.mt5BridgePort}`,
      mt5BridgeFingerprint: bridge.fingerprint,
    },
    mcpEndpoints,
    accessNotes: pulumi.interpolate`MCP endpoints listen on the Linux host's loopback; open the tunnel first: ssh -N ${ports
      .map((port) => `-L ${port}:127.0.0.1:${port}`)
      .join(" ")} ${config.vpsSshUser}@${linux.publicAddress}`,
  };
}
