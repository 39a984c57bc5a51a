import type { ScopeKey } from './scope.js';

/** The condition selecting one scope-year of subject_first_seen; params from {@link scopeParams}. */
export const SCOPE_CONDITION = 'scope_level = {level:String} AND scope_id = {scopeId:String} AND year = {year:UInt16}';

export function scopeParams(key: ScopeKey): { level: string; scopeId: string; year: number } {
  return { level: key.level, scopeId: key.scopeId, year: key.year };
}
