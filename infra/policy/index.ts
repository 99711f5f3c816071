/**
 * The quantmind policy pack: `pulumi preview --policy-pack infra/policy` runs it against a stack.
 * Constructing the PolicyPack starts its gRPC server, so only Pulumi's policy runner loads this
 * file (through pack.cjs); tests import policies.ts and the rules instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies, POLICY_PACK_NAME } from "./policies.js";

new PolicyPack(POLICY_PACK_NAME, { policies, enforcementLevel: "mandatory" });
