import { join } from 'node:path';
import { ingestEvents, type MonitorContext } from '@pi-egress/core';
import { CategoryCatalogue, certificateSchema } from '@pi-egress/domain';
import { subjectIdHash } from '@pi-egress/producer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate, makeEvent, openTestStore } from '@pi-egress/testing';
import { runCommand, testPackageRoot } from '../harness/process.js';

const KEY = 'same-person-key';
const CLI = join(testPackageRoot(), '..', 'packages', 'producer', 'dist', 'cli.js');
// The examples: four ways of writing one phone number, three of one e-mail address.
const PHONE = ['+86 139 0013 8000', '0086 13900138000', '13900138000', '\uFF0B8613900138000'];
const EMAIL = ['\uFF41lice\uFF20example.com', 'alice@example.com', 'alice@exam\u200Bple.com'];

describe('the same person is one person: monitor, producer library and idHash CLI', () => {
  let ctx: MonitorContext;
  beforeAll(async () => {
    const store = await openTestStore();
    ctx = { store, catalogue: new CategoryCatalogue(), subjectKey: KEY, now: () => new Date('2026-06-02T00:00:00Z') };
    await store.scopes.putVersion(certificateSchema.parse(makeCertificate()), new Date(0));
  });
  afterAll(() => ctx.store.close());

  it('counts the seven ids, sent raw and as the producer library hashed them, as two people', async () => {
    const raw = [...PHONE, ...EMAIL].map((id) => makeEvent({ subjects: [{ id }] }));
    const hashed = [...PHONE, ...EMAIL].map((id) => makeEvent({ subjects: [{ idHash: subjectIdHash(id, KEY) }] }));
    const report = await ingestEvents(ctx, [...raw, ...hashed]);
    expect(report.rejected).toEqual([]);
    const usage = await ctx.store.usage.individuals({ level: 'certificate', scopeId: 'CERT-1', year: 2026 });
    expect(usage.counts).toEqual({ nonSensitive: 2, sensitive: 0 });
  });

  it('gives the same idHash from the CLI as from the library', async () => {
    const result = await runCommand(process.execPath, [CLI, 'hash'], {
      stdin: `${[...PHONE, ...EMAIL].join('\n')}\n`,
      env: { ...process.env, EGRESS_SUBJECT_KEY: KEY },
    });
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toEqual([...PHONE, ...EMAIL].map((id) => subjectIdHash(id, KEY)));
    expect(new Set(lines).size).toBe(2);
  });
});
