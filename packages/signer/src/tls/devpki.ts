/**
 * A development PKI for mutual TLS between the combiner and its co-signers: one CA and, per party, a
 * certificate usable both as a TLS server (a co-signer) and as a TLS client (the combiner). Keys are
 * ECDSA P-256 from node:crypto's WebCrypto; certificates are built with @peculiar/x509. For
 * production, use certificates from the operators' own CA: the signer only reads PEM files.
 */
import { KeyObject, randomBytes, webcrypto } from "node:crypto";
import "@abraham/reflection"; // the metadata polyfill @peculiar/x509 needs, loaded before it
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as never);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface PemPair {
  /** PKCS#8 private key (keep it 0600). */
  keyPem: string;
  certPem: string;
}

export interface DevCa extends PemPair {
  /** Used to sign the parties' certificates. */
  readonly keys: CryptoKeyPair;
  readonly cert: x509.X509Certificate;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f; // a positive INTEGER
  return b.toString("hex");
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Date.now() - 60_000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * 86_400_000) };
}

function keyPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: "pkcs8", format: "pem" }).toString();
}

/** A self-signed CA certificate that can sign leaf certificates only (path length 0). */
export async function createDevCa(opts: { commonName?: string; days?: number } = {}): Promise<DevCa> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${opts.commonName ?? "mzku-signer dev CA"}`,
    ...validity(opts.days ?? 365),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { keys, cert, keyPem: keyPem(keys.privateKey), certPem: cert.toString("pem") };
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * A certificate for one party, signed by `ca`, valid for TLS server and client authentication, with
 * `hosts` (IP addresses or DNS names) as subject alternative names.
 */
export async function issueCert(
  ca: DevCa,
  opts: { commonName: string; hosts: readonly string[]; days?: number },
): Promise<PemPair> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${opts.commonName}`,
    issuer: ca.cert.subject,
    ...validity(opts.days ?? 365),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(
        opts.hosts.map((h) => (IPV4.test(h) || h.includes(":") ? { type: "ip", value: h } : { type: "dns", value: h })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { keyPem: keyPem(keys.privateKey), certPem: cert.toString("pem") };
}
