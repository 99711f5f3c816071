/**
 * A real self-signed X.509 certificate made with node:crypto alone (Node can parse certificates
 * but not make them): the DER is assembled here and signed with ECDSA P-256 / SHA-256. The
 * Pulumi mocks answer `tls` resources with it, so code that parses the certificate (the MT5
 * bridge's fingerprint) runs on a genuine one.
 */
import { createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";

/** DER: tag, length, content. */
function der(tag: number, content: Buffer): Buffer {
  const length = content.length;
  const header = length < 0x80 ? Buffer.from([tag, length]) : length < 0x100 ? Buffer.from([tag, 0x81, length]) : Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.concat([header, content]);
}

const sequence = (...items: Buffer[]) => der(0x30, Buffer.concat(items));

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString();
  return der(0x17, Buffer.from(`${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`));
}

const commonName = (name: string) => sequence(der(0x31, sequence(oid("2.5.4.3"), der(0x0c, Buffer.from(name)))));

const pem = (label: string, body: Buffer) => `-----BEGIN ${label}-----\n${body.toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;

/** A new ECDSA P-256 key, as the tls provider's PrivateKey gives it (PKCS#8 PEM). */
export function newEcKey(): { privateKey: KeyObject; pkcs8Pem: string; sec1Pem: string } {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    privateKey,
    pkcs8Pem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    sec1Pem: privateKey.export({ type: "sec1", format: "pem" }).toString(),
  };
}

/** A self-signed certificate for `privateKey` (an EC P-256 key), PEM. */
export function selfSignedCertPem(privateKey: KeyObject, name: string, validDays = 825): string {
  const ecdsaWithSha256 = sequence(oid("1.2.840.10045.4.3.2"));
  const serial = randomBytes(8);
  serial[0]! &= 0x7f;
  const now = new Date();
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, serial),
    ecdsaWithSha256,
    commonName(name),
    sequence(utcTime(now), utcTime(new Date(now.getTime() + validDays * 86_400_000))),
    commonName(name),
    createPublicKey(privateKey).export({ type: "spki", format: "der" }),
  );
  const signature = sign("sha256", tbs, privateKey);
  return pem("CERTIFICATE", sequence(tbs, ecdsaWithSha256, der(0x03, Buffer.concat([Buffer.from([0]), signature]))));
}
