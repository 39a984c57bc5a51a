import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The Ed25519 key that signs evidence packs. Auditors verify against the public half. */
export interface EvidenceKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function fromPrivate(privateKey: KeyObject, file: string): EvidenceKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${file}: the evidence signing key must be an Ed25519 key`);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** Public half of a key as PEM, the form handed to auditors. */
export function publicKeyPem(key: EvidenceKey): string {
  return key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Reads the signing key (PKCS#8 PEM) from `file` (EGRESS_EVIDENCE_KEY_FILE, or the data
 * directory's default), generating it on first use (mode 0600) with its public half beside it in
 * `<file>.pub` for auditors.
 */
export function loadOrCreateEvidenceKey(file: string): EvidenceKey & { created: boolean } {
  if (existsSync(file)) return { ...fromPrivate(createPrivateKey(readFileSync(file)), file), created: false };
  const { privateKey } = generateKeyPairSync('ed25519');
  const key = fromPrivate(privateKey, file);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  chmodSync(file, 0o600);
  writeFileSync(`${file}.pub`, publicKeyPem(key), { mode: 0o644 });
  return { ...key, created: true };
}

/** A key that lives only as long as the process: packs it signs cannot be verified after a restart. */
export function ephemeralEvidenceKey(): EvidenceKey {
  return fromPrivate(generateKeyPairSync('ed25519').privateKey, 'ephemeral key');
}

/** The trusted public key for verification, from a public-key PEM or the private key file itself. */
export function readTrustedPublicKey(file: string): KeyObject {
  const pem = readFileSync(file, 'utf8');
  const key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file}: not an Ed25519 key`);
  return key;
}
