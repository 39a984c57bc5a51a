import { DATA_CLASSES, zeroCounts, type ClassCounts, type DataClass, type ScopeKey } from '@pi-egress/domain';

/** Shared by the count reader and the checkpointer. */

export { DATA_CLASSES };
export type { DataClass };

/** A checkpoint older than this is not stepped from: its tail is most of the year, cheaper counted in full. */
export const CHECKPOINT_MAX_AGE_MS = 6 * 24 * 3600_000;

export const scopeIdOf = (key: ScopeKey) => `${key.level}\u0000${key.scopeId}\u0000${key.year}`;

export interface DailyRow {
  class: string;
  day: string;
  individuals: number | string;
}

export function countsFrom(rows: Array<{ class: string; individuals: number | string }>): ClassCounts {
  const counts = zeroCounts();
  for (const row of rows) counts[row.class as keyof ClassCounts] += Number(row.individuals);
  return counts;
}
