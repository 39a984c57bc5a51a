import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normaliseSubjectId, pseudonymise, subjectHash } from './subject.js';

const KEY = 'test-subject-key';
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest('hex');

describe('normaliseSubjectId', () => {
  it('trims', () => {
    expect(normaliseSubjectId('  customer-42 \n')).toBe('customer-42');
  });

  it('lower-cases e-mail addresses', () => {
    expect(normaliseSubjectId(' Alice.Wang@Example.COM ')).toBe('alice.wang@example.com');
  });

  it('reduces a +-prefixed phone number to E.164', () => {
    expect(normaliseSubjectId('+86 138-0013-8000')).toBe('+8613800138000');
    expect(normaliseSubjectId(' +49 (30) 1234.5678 ')).toBe('+493012345678');
    expect(normaliseSubjectId('+8613800138000')).toBe('+8613800138000');
    expect(normaliseSubjectId('+999 123')).toBe('+999123'); // unknown to libphonenumber: '+' and digits
  });

  it('leaves other ids alone apart from trimming', () => {
    expect(normaliseSubjectId('11010519491231002X')).toBe('11010519491231002X');
    expect(normaliseSubjectId('+abc')).toBe('+abc');
    expect(normaliseSubjectId('User-ABC')).toBe('User-ABC');
    expect(normaliseSubjectId('12345678')).toBe('12345678'); // not a valid CN number
  });

  // SPEC §3 / issue 11: the same person is one person. Expected forms written by hand (E.164 of
  // China Mobile 139 0013 8000; NFKC of fullwidth forms; IDNA of the domain).
  it.each([
    ['+86 139 0013 8000', '+8613900138000'],
    ['0086 13900138000', '+8613900138000'],
    ['13900138000', '+8613900138000'],
    ['\uFF0B8613900138000', '+8613900138000'], // fullwidth ＋
    ['139-0013-8000', '+8613900138000'],
    ['010 6552 9988', '+861065529988'], // Beijing landline, national trunk prefix 0
    ['0044 20 7946 0018', '+442079460018'],
    ['+44 (0)20 7946 0018', '+442079460018'],
    ['\uFF41lice\uFF20example.com', 'alice@example.com'], // fullwidth ａ and ＠
    ['alice@example.com', 'alice@example.com'],
    ['alice@exam\u200Bple.com', 'alice@example.com'], // zero-width space
    ['\uFEFFalice@example.com', 'alice@example.com'], // byte-order mark
    ['Jose\u0301@Example.com', 'jos\u00e9@example.com'], // NFD accent composed
    ['jos\u00e9@B\u00fccher.example', 'jos\u00e9@xn--bcher-kva.example'], // IDNA domain
  ])('%j → %j', (raw, normal) => {
    expect(normaliseSubjectId(raw)).toBe(normal);
  });

  it('reads national numbers in the configured region', () => {
    expect(normaliseSubjectId('(202) 555-0143', { phoneRegion: 'US' })).toBe('+12025550143');
    expect(normaliseSubjectId('0044 20 7946 0018', { phoneRegion: 'US' })).toBe('+442079460018');
    expect(normaliseSubjectId('13900138000', { phoneRegion: 'US' })).toBe('13900138000');
  });

  it("keeps a lone UTF-16 surrogate as it is (rejecting it is the contract's job)", () => {
    expect(normaliseSubjectId('ab\uD800c')).toBe('ab\uD800c');
  });
});

describe('one person, one pseudonym', () => {
  it.each([
    [['+86 139 0013 8000', '0086 13900138000', '13900138000', '\uFF0B8613900138000']],
    [['\uFF41lice\uFF20example.com', 'alice@example.com', 'alice@exam\u200Bple.com']],
  ])('%j count as one person', (forms) => {
    expect(new Set(forms.map((id) => pseudonymise(id, KEY))).size).toBe(1);
  });
});

describe('pseudonymise', () => {
  it('matches HMAC-SHA256 computed independently', () => {
    expect(pseudonymise('customer-42', KEY)).toBe(hmac(KEY, 'customer-42'));
    expect(pseudonymise('customer-42', KEY)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches the RFC 4231 test case 2 vector', () => {
    expect(pseudonymise('what do ya want for nothing?', 'Jefe')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('hashes the normalised form, so variants of one person meet', () => {
    expect(pseudonymise(' Alice@Example.com', KEY)).toBe(hmac(KEY, 'alice@example.com'));
    expect(pseudonymise('+86 138 0013 8000', KEY)).toBe(pseudonymise('+8613800138000', KEY));
  });

  it('accepts a Buffer key equal to its UTF-8 string', () => {
    expect(pseudonymise('x', Buffer.from(KEY, 'utf8'))).toBe(pseudonymise('x', KEY));
  });

  it('depends on the key', () => {
    expect(pseudonymise('x', 'k1')).not.toBe(pseudonymise('x', 'k2'));
  });

  it('refuses an empty key', () => {
    expect(() => pseudonymise('x', '')).toThrow(/must not be empty/);
    expect(() => pseudonymise('x', Buffer.alloc(0))).toThrow(/must not be empty/);
  });
});

describe('subjectHash', () => {
  it('takes idHash as given, lower-cased', () => {
    const h = 'AB'.repeat(32);
    expect(subjectHash({ idHash: h }, KEY)).toBe('ab'.repeat(32));
  });

  it('pseudonymises a raw id', () => {
    expect(subjectHash({ id: 'Bob@x.org' }, KEY)).toBe(hmac(KEY, 'bob@x.org'));
  });

  it('gives the same pseudonym for a raw id and its producer-computed idHash', () => {
    expect(subjectHash({ idHash: pseudonymise('Bob@x.org', KEY) }, KEY)).toBe(subjectHash({ id: 'bob@x.org' }, KEY));
  });

  it('rejects a malformed idHash or a subject with neither', () => {
    expect(() => subjectHash({ idHash: 'xyz' }, KEY)).toThrow(/64 hex/);
    expect(() => subjectHash({}, KEY)).toThrow(/id or idHash/);
  });
});

describe('the plain-ASCII shortcut of the normal form', () => {
  // A zero-width space sends an id down the full path (NFKC, invisible characters removed, trimmed);
  // printable ASCII without spaces must come out of the shortcut exactly as out of that path.
  it('gives what the full path gives', () => {
    const printableAscii = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1 });
    fc.assert(
      fc.property(printableAscii, (id) => {
        expect(normaliseSubjectId(id)).toBe(normaliseSubjectId(`${id}\u200B`));
      }),
      { numRuns: 2_000 },
    );
  });
});
