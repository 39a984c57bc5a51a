/**
 * The two PI classes counted separately (SPEC §2): `N` non-sensitive and `S` sensitive
 * (PIPL Art. 28). A person whose transfer carried both kinds counts in both.
 */
export type DataClass = 'nonSensitive' | 'sensitive';

/** Fixed order used everywhere classes are listed (JSON keys, tables, metrics). */
export const DATA_CLASSES: readonly DataClass[] = Object.freeze(['nonSensitive', 'sensitive'] as const);

/** Label value form used in metrics and alerts (SPEC §5, label `class`). */
export type ClassLabel = 'non_sensitive' | 'sensitive';

const LABELS: Readonly<Record<DataClass, ClassLabel>> = { nonSensitive: 'non_sensitive', sensitive: 'sensitive' };

export function classLabel(c: DataClass): ClassLabel {
  return LABELS[c];
}

/** Distinct classes in the canonical {@link DATA_CLASSES} order. */
export function sortClasses(classes: Iterable<DataClass>): DataClass[] {
  const set = new Set(classes);
  return DATA_CLASSES.filter((c) => set.has(c));
}
