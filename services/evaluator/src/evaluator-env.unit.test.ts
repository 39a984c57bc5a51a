import { describe, expect, it } from 'vitest';
import { evaluatorOptionsFromEnv } from './evaluator.js';

describe('runbook links from the environment', () => {
  const base = { EGRESS_EVAL_INTERVAL_MS: 5_000 };
  it('prefer EGRESS_RUNBOOK_BASE_URL, then the API under EGRESS_PUBLIC_URL, then the bundled files', () => {
    expect(
      evaluatorOptionsFromEnv({ ...base, EGRESS_RUNBOOK_BASE_URL: 'https://wiki/rb', EGRESS_PUBLIC_URL: 'https://mon' }, 'file:///x').runbookBaseUrl,
    ).toBe('https://wiki/rb');
    expect(evaluatorOptionsFromEnv({ ...base, EGRESS_PUBLIC_URL: 'https://monitor.example.cn/' }, 'file:///x').runbookBaseUrl).toBe(
      'https://monitor.example.cn/runbooks',
    );
    expect(evaluatorOptionsFromEnv(base, 'file:///x').runbookBaseUrl).toBe('file:///x');
  });
});
