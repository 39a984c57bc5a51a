export type { ClassCounts, CountingLevel as ScopeLevel, ScopeKey } from '@pi-egress/domain';
export { zeroCounts } from '@pi-egress/domain';

/** ClickHouse DateTime64 text in UTC, the one input format every table here accepts. */
export function toClickHouseTime(instant: Date): string {
  return instant.toISOString().replace('T', ' ').replace('Z', '');
}

/** ClickHouse returns DateTime64 as 'YYYY-MM-DD hh:mm:ss.ffffff' in UTC. */
export function fromClickHouseTime(text: string): Date {
  return new Date(`${text.replace(' ', 'T')}Z`);
}
