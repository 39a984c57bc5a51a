import type { DataClass } from './classes.js';
import type { ClassCounts } from './pathway.js';
import type { PreparedTransfer } from './transfer.js';

/**
 * Where a transfer's people are counted (SPEC §2): at its processor (every counted transfer:
 * this decides the pathway), at the certificate it was made under (compared with the declared
 * caps) and at its processor's group (anti-splitting).
 */

/** The three levels at which distinct individuals are counted. */
export type CountingLevel = 'processor' | 'certificate' | 'group';

/** One counting scope-year: the unit of every count, checkpoint and alert about counts. */
export interface ScopeKey {
  level: CountingLevel;
  scopeId: string;
  year: number;
}

export const zeroCounts = (): ClassCounts => ({ nonSensitive: 0, sensitive: 0 });
export type { ClassCounts, DataClass };

/**
 * Transfers citing a certificate not declared yet are counted under this provisional id, at the
 * certificate level, so that declaring the certificate moves exactly its owner's people onto it
 * (and another processor's never). Identifiers cannot hold control characters, so this id cannot
 * collide with a declared one.
 */
export function pendingCertificateScopeId(processorId: string, certificateId: string, mechanism = 'certification'): string {
  // The mechanism is part of it so that an instrument of another kind never adopts these people.
  const base = `\u0000pending\u0000${processorId}\u0000${certificateId}`;
  return mechanism === 'certification' ? base : `${base}\u0000${mechanism}`;
}

/**
 * The scopes a transfer counts toward. Only a counted certification transfer of the
 * certificate's own processor counts against that certificate; one citing a certificate not yet
 * declared is held under a provisional id; another processor's counts at its own levels only.
 * The group scope is the processor's group id (the store counts it under the group's current
 * membership epoch).
 */
export function countingScopes(transfer: PreparedTransfer): ScopeKey[] {
  if (!transfer.counted) return [];
  const { year, processorId, certificateId } = transfer;
  const scopes: ScopeKey[] = [{ level: 'processor', scopeId: processorId, year }];
  if (certificateId !== null && transfer.certificateOwnership === 'own') scopes.push({ level: 'certificate', scopeId: certificateId, year });
  if (certificateId !== null && transfer.certificateOwnership === 'pending') {
    scopes.push({ level: 'certificate', scopeId: pendingCertificateScopeId(processorId, certificateId, transfer.mechanism), year });
  }
  if (transfer.groupId) scopes.push({ level: 'group', scopeId: transfer.groupId, year });
  return scopes;
}
