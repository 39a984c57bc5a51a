// What the monitor must count, computed from what was produced, independently of the monitor.
import type { ScopeLevel } from '@pi-egress/store';

export type DataClass = 'nonSensitive' | 'sensitive';

export interface ScopeYear {
  level: ScopeLevel;
  scopeId: string;
  year: number;
}

export interface CountCheck extends ScopeYear {
  dataClass: DataClass;
  truth: number;
  counted: number;
  /** The full exact count of the truth table (usage.fullCount), beside the checkpoint + tail one. */
  fullCount: number;
}

const keyOf = (scope: ScopeYear, dataClass: DataClass) => `${scope.level}|${scope.scopeId}|${scope.year}|${dataClass}`;

/** Distinct persons per scope, year and class over every valid, counted event produced. */
export class Truth {
  private readonly persons = new Map<string, Set<number>>();
  private readonly scopes = new Map<string, ScopeYear>();
  /** Every valid event produced, counted or not (exempt). */
  readonly eventIds = new Set<string>();

  record(scopes: readonly ScopeYear[], persons: readonly number[], classes: readonly DataClass[]): void {
    for (const scope of scopes) {
      this.scopes.set(`${scope.level}|${scope.scopeId}|${scope.year}`, scope);
      for (const dataClass of classes) {
        const key = keyOf(scope, dataClass);
        const set = this.persons.get(key) ?? new Set<number>();
        for (const person of persons) set.add(person);
        this.persons.set(key, set);
      }
    }
  }

  scopeYears(): ScopeYear[] {
    return [...this.scopes.values()];
  }

  expected(scope: ScopeYear, dataClass: DataClass): number {
    return this.persons.get(keyOf(scope, dataClass))?.size ?? 0;
  }
}

/** Persons missing from / counted beyond the truth, summed over every check, for both count paths. */
export function discrepancies(checks: readonly CountCheck[]): { lost: number; doubled: number } {
  let lost = 0;
  let doubled = 0;
  for (const check of checks) {
    for (const counted of [check.counted, check.fullCount]) {
      lost += Math.max(0, check.truth - counted);
      doubled += Math.max(0, counted - check.truth);
    }
  }
  return { lost, doubled };
}
