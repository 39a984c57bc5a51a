import { Validator } from '@seriousme/openapi-schema-validator';
import { Document, Spectral } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '@pi-egress/testing';

describe('the OpenAPI document at /docs', () => {
  let api: TestApi;
  let text: string;
  beforeAll(async () => {
    api = await startTestApi();
    text = await (await fetch(`${api.url}/docs/json`)).text();
  });
  afterAll(() => api?.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(JSON.parse(text));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("lints clean with Spectral's OAS ruleset (no errors, no warnings)", async () => {
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [[oas as never, 'recommended']] } as never);
    const problems = await spectral.run(new Document(text, Json, '/docs/json'));
    const blocking = problems.filter((problem) => problem.severity <= 1);
    expect(blocking.map((problem) => `${problem.code} ${problem.path.join('.')}: ${problem.message}`)).toEqual([]);
  });
});
