import { createHash, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { firstSeenDigest } from './evidence-digest.js';
import { openSigned, serialiseSigned, signDocument } from './evidence-signature.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined members and writes no white space', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 'x', c: null }, true], u: undefined })).toBe('{"a":[{"c":null,"d":"x"},true],"b":1}');
  });

  it('sorts keys by UTF-16 code units and escapes strings as JSON does', () => {
    expect(canonicalJson({ é: 1, Z: 2, a: '"\n' })).toBe('{"Z":2,"a":"\\"\\n","é":1}');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ ratio: Infinity })).toThrow(/Infinity/);
    expect(() => canonicalJson(10n)).toThrow(/bigint/);
  });
});

describe('first-seen digest', () => {
  const a = { pseudonym: 'a'.repeat(64), firstSeenMs: 1_767_225_600_000 };
  const b = { pseudonym: 'B'.repeat(64), firstSeenMs: 1_767_225_600_001 };

  it('hashes the documented lines in pseudonym order, whatever order they come in', () => {
    const expected = createHash('sha256')
      .update(`${'a'.repeat(64)}\t1767225600000\n${'b'.repeat(64)}\t1767225600001\n`)
      .digest('hex');
    expect(firstSeenDigest([b, a])).toBe(expected);
    expect(firstSeenDigest([a, b])).toBe(expected);
  });

  it('changes with a pseudonym or a first-seen time, and is the empty hash for nobody', () => {
    const base = firstSeenDigest([a, b]);
    expect(firstSeenDigest([a, { ...b, firstSeenMs: b.firstSeenMs + 1 }])).not.toBe(base);
    expect(firstSeenDigest([a, { ...b, pseudonym: 'c'.repeat(64) }])).not.toBe(base);
    // SHA-256 of no bytes at all (FIPS 180-4 test vector).
    expect(firstSeenDigest([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('signed documents', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const text = serialiseSigned(signDocument({ certificateId: 'CERT-1', year: 2026, counts: { nonSensitive: 3, sensitive: 1 } }, privateKey));

  it('opens what was signed, against the trusted key', () => {
    const opened = openSigned(text, publicKey);
    expect(opened).toMatchObject({ ok: true, body: { certificateId: 'CERT-1', year: 2026 } });
  });

  it('fails when any single byte is changed', () => {
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < bytes.length; i += 1) {
      const changed = Buffer.from(bytes);
      changed[i] = changed[i]! ^ 0x01;
      expect(openSigned(changed.toString('utf8'), publicKey).ok, `byte ${i} changed`).toBe(false);
    }
  });

  it('fails for a document re-signed with another key or pretty-printed', () => {
    const forged = serialiseSigned(signDocument({ ...JSON.parse(text), signature: undefined, year: 2027 }, other.privateKey));
    expect(openSigned(forged, publicKey)).toMatchObject({ ok: false, problems: [expect.stringMatching(/other than the trusted/)] });
    expect(openSigned(forged).ok).toBe(true); // without a trusted key only integrity is checked
    expect(openSigned(JSON.stringify(JSON.parse(text), null, 2), publicKey)).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/canonical/)],
    });
  });
});
