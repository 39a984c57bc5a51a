import { randomSecret, readOrCreateSecretFile } from '@pi-egress/config';
import { join } from 'node:path';
import type { MonitorEnv } from './env.js';

/**
 * The subject key and API tokens of the embedded default: taken from the environment when set,
 * otherwise generated once into the data directory (mode 0600) and reused on every start.
 */
export function resolveSecrets(env: Pick<MonitorEnv, 'EGRESS_SUBJECT_KEY' | 'EGRESS_TOKENS' | 'EGRESS_DATA_DIR'>): {
  subjectKey: string;
  tokens: string;
  tokensFile?: string;
} {
  const subjectKey =
    env.EGRESS_SUBJECT_KEY ?? readOrCreateSecretFile(join(env.EGRESS_DATA_DIR, 'secrets', 'subject.key'), () => randomSecret(32)).value;
  if (env.EGRESS_TOKENS) return { subjectKey, tokens: env.EGRESS_TOKENS };
  const tokensFile = join(env.EGRESS_DATA_DIR, 'secrets', 'tokens');
  const { value } = readOrCreateSecretFile(tokensFile, () =>
    ['admin', 'ingest', 'auditor', 'viewer'].map((role) => `${role}:${randomSecret(24)}`).join(','),
  );
  return { subjectKey, tokens: value, tokensFile };
}
