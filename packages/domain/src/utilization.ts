/** Cap utilisation rules behind the ScopeUtilization / ScopeCapExceeded alerts (SPEC §5). */

export type Severity = 'warning' | 'high' | 'critical';

/** count / cap; a zero cap gives 0 while unused and Infinity once used. */
export function utilizationRatio(count: number, cap: number): number {
  if (cap <= 0) return count > 0 ? Infinity : 0;
  return count / cap;
}

/** Smallest count at which `level` of `cap` is reached (count ≥ level × cap), float-safe. */
export function levelThreshold(level: number, cap: number): number {
  return Math.ceil(level * cap - 1e-9);
}

/** Levels reached by count ≥ level × cap, one alert each; none for a zero cap (only exceeding counts). */
export function levelsCrossed(count: number, cap: number, levels: readonly number[]): number[] {
  if (cap <= 0) return [];
  return levels.filter((level) => count >= levelThreshold(level, cap));
}

/** ScopeUtilization severity: critical ≥ 0.95, high ≥ 0.9, otherwise warning. */
export function severityForLevel(level: number): Severity {
  if (level >= 0.95) return 'critical';
  if (level >= 0.9) return 'high';
  return 'warning';
}

/** ScopeCapExceeded: strictly above the declared cap (reaching it exactly is still within scope). */
export function capExceeded(count: number, cap: number): boolean {
  return count > cap;
}
