import type { DataClass } from '@pi-egress/domain';

/** The three levels at which distinct individuals are counted (SPEC §2). */
export type ScopeLevel = 'processor' | 'certificate' | 'group';

export interface ScopeKey {
  level: ScopeLevel;
  scopeId: string;
  year: number;
}

export type ClassCounts = Record<DataClass, number>;

export const zeroCounts = (): ClassCounts => ({ nonSensitive: 0, sensitive: 0 });

/** ClickHouse DateTime64 text in UTC, the one input format every table here accepts. */
export function toClickHouseTime(instant: Date): string {
  return instant.toISOString().replace('T', ' ').replace('Z', '');
}

/** ClickHouse returns DateTime64 as 'YYYY-MM-DD hh:mm:ss.ffffff' in UTC. */
export function fromClickHouseTime(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}
