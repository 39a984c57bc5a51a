import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * Ed25519 signature over the canonical JSON (canonical-json.ts) of a document without its
 * `signature` member. The document is served in canonical form, so changing any byte of it (even
 * white space) fails {@link openSigned}.
 */
export interface DocumentSignature {
  algorithm: 'Ed25519';
  /** First 16 hex characters of the SHA-256 of the public key (SPKI DER). */
  keyId: string;
  /** The public key, SPKI DER in base64: informative; trust comes from the verifier's own copy. */
  publicKey: string;
  /** The signature, 128 lower-case hex characters. */
  value: string;
}

export type Signed<T> = T & { signature: DocumentSignature };

export type OpenedDocument = { ok: true; body: Record<string, unknown>; signature: DocumentSignature } | { ok: false; problems: string[] };

const SIGNATURE_RE = /^[0-9a-f]{128}$/;

function spki(publicKey: KeyObject): Buffer {
  return publicKey.export({ type: 'spki', format: 'der' });
}

export function publicKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(spki(publicKey)).digest('hex').slice(0, 16);
}

export function signDocument<T extends object>(body: T, privateKey: KeyObject): Signed<T> {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the evidence signing key must be an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  const value = sign(null, Buffer.from(canonicalJson(body), 'utf8'), privateKey).toString('hex');
  return { ...body, signature: { algorithm: 'Ed25519', keyId: publicKeyId(publicKey), publicKey: spki(publicKey).toString('base64'), value } };
}

/** Serialised form of a signed document: exactly its canonical JSON. */
export function serialiseSigned(document: Signed<object>): string {
  return canonicalJson(document);
}

function parseSignature(raw: unknown, problems: string[]): { signature: DocumentSignature; key: KeyObject } | undefined {
  const s = raw as Partial<DocumentSignature> | undefined;
  if (typeof s !== 'object' || s === null) {
    problems.push('signature: missing');
    return undefined;
  }
  if (s.algorithm !== 'Ed25519') problems.push('signature.algorithm: must be Ed25519');
  if (typeof s.value !== 'string' || !SIGNATURE_RE.test(s.value)) problems.push('signature.value: must be 128 lower-case hex characters');
  let key: KeyObject | undefined;
  try {
    const der = Buffer.from(String(s.publicKey), 'base64');
    if (der.toString('base64') !== s.publicKey) throw new Error('not canonical base64');
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
  } catch {
    problems.push('signature.publicKey: must be an Ed25519 public key (SPKI DER, base64)');
  }
  if (key && s.keyId !== publicKeyId(key)) problems.push('signature.keyId: does not match the public key');
  return problems.length === 0 && key ? { signature: s as DocumentSignature, key } : undefined;
}

/**
 * Checks a serialised signed document byte for byte: canonical form, well-formed signature, the
 * signing key equal to `trusted` (when given), and a valid signature over the rest.
 */
export function openSigned(text: string, trusted?: KeyObject): OpenedDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, problems: ['document: not valid JSON'] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, problems: ['document: not a JSON object'] };
  const problems: string[] = [];
  if (canonicalJson(parsed) !== text) problems.push('document: not in canonical form (edited after signing?)');
  const { signature: rawSignature, ...body } = parsed as Record<string, unknown>;
  const checked = parseSignature(rawSignature, problems);
  if (!checked) return { ok: false, problems };
  if (trusted && !spki(trusted).equals(spki(checked.key))) problems.push('signature: made with a key other than the trusted evidence key');
  if (!verify(null, Buffer.from(canonicalJson(body), 'utf8'), checked.key, Buffer.from(checked.signature.value, 'hex'))) {
    problems.push('signature: does not match the document (edited after signing?)');
  }
  return problems.length === 0 ? { ok: true, body, signature: checked.signature } : { ok: false, problems };
}
