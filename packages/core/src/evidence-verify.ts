import { canonicalJson, openSigned } from '@pi-egress/domain';
import type { Store } from '@pi-egress/store';
import type { KeyObject } from 'node:crypto';
import { buildEvidenceBody, EVIDENCE_FORMAT } from './evidence-pack.js';

export interface EvidenceVerification {
  ok: boolean;
  /** Empty when ok; otherwise what failed, naming the section. */
  problems: string[];
  certificateId?: string;
  year?: number;
  asOf?: string;
}

const AS_OF_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Verifies a served evidence pack (its exact bytes): canonical form and Ed25519 signature (against
 * `trusted`, the operator's public key, when given), then recomputes the pack from the store as of
 * its `asOf` and compares every section. A bad signature means the pack was edited; a section that
 * differs means the store no longer holds what the pack shows (rows edited, removed, added, or a
 * late event that moved a first-seen time).
 */
export async function verifyEvidencePack(store: Store, text: string, trusted?: KeyObject): Promise<EvidenceVerification> {
  const opened = openSigned(text, trusted);
  if (!opened.ok) return { ok: false, problems: opened.problems };
  const { format, certificateId, year, asOf } = opened.body;
  if (
    format !== EVIDENCE_FORMAT ||
    typeof certificateId !== 'string' ||
    !Number.isInteger(year) ||
    typeof asOf !== 'string' ||
    !AS_OF_RE.test(asOf)
  ) {
    return { ok: false, problems: [`document: not an evidence pack of format ${EVIDENCE_FORMAT}`] };
  }
  const identity = { certificateId, year: year as number, asOf };
  const recomputed = await buildEvidenceBody(store, certificateId, year as number, new Date(asOf));
  if (!recomputed) return { ok: false, problems: [`store: no certificate ${certificateId}`], ...identity };
  const problems = differences(opened.body, recomputed, '', 2).map((path) => `${path}: differs from the store as of ${asOf}`);
  return { ok: problems.length === 0, problems, ...identity };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Paths (down to `depth` levels of objects) where two documents differ, e.g. `digest.sensitive`. */
function differences(packed: unknown, stored: unknown, path: string, depth: number): string[] {
  if (canonicalJson(packed ?? null) === canonicalJson(stored ?? null)) return [];
  if (depth === 0 || !isRecord(packed) || !isRecord(stored)) return [path || '(root)'];
  const keys = [...new Set([...Object.keys(packed), ...Object.keys(stored)])].sort();
  return keys.flatMap((key) => differences(packed[key], stored[key], path ? `${path}.${key}` : key, depth - 1));
}
