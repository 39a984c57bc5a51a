import type { z } from 'zod';

/**
 * Turns zod issues into short, field-named messages ("subjects[3].idHash: must be 64 hex
 * characters"). Messages are built from the schema only, never from the input value, so a raw
 * subject id can never leak into an error (SPEC §3).
 */

type PathKey = PropertyKey;

/** `subjects[3].idHash`; the empty path reads as `(root)`. */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const EXPECTED: Record<string, string> = { int: 'an integer', array: 'an array', object: 'an object' };

const FORMATS: Record<string, string> = {
  datetime: 'must be an RFC 3339 timestamp with a time zone offset, e.g. 2026-05-01T08:00:00+08:00',
  date: 'must be a calendar date YYYY-MM-DD',
  regex: 'has an invalid format',
};

/** Key names are echoed only when they look like identifiers (never arbitrary producer text). */
function safeKeys(keys: readonly string[]): string {
  const shown = keys.filter((k) => /^[A-Za-z_][A-Za-z0-9_]{0,31}$/.test(k));
  if (shown.length === 0) return 'unrecognized key';
  return `unrecognized key${shown.length > 1 ? 's' : ''}: ${shown.join(', ')}`;
}

function bound(origin: string, word: 'at least' | 'at most', limit: number | bigint, inclusive: boolean): string {
  if (origin === 'string') {
    if (word === 'at least' && Number(limit) === 1) return 'must not be empty';
    return `must be ${word} ${limit} characters long`;
  }
  if (origin === 'array' || origin === 'set') {
    if (word === 'at least' && Number(limit) === 1) return 'must not be empty';
    return `must have ${word} ${limit} items`;
  }
  const op = word === 'at least' ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
  return `must be ${op} ${limit}`;
}

/**
 * zod per-parse error map producing value-free messages. Messages given in a schema
 * (`{ error: '...' }`, refinement messages) take precedence over it.
 */
export const safeErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'is required';
      return `expected ${EXPECTED[iss.expected] ?? iss.expected}, received ${typeName(iss.input)}`;
    case 'too_small':
      return bound(iss.origin, 'at least', iss.minimum, iss.inclusive ?? true);
    case 'too_big':
      return bound(iss.origin, 'at most', iss.maximum, iss.inclusive ?? true);
    case 'invalid_format':
      return FORMATS[iss.format] ?? `must be a valid ${iss.format}`;
    case 'invalid_value':
      return `must be one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return safeKeys(iss.keys);
    case 'invalid_union':
      return 'does not match any allowed form';
    case 'not_multiple_of':
      return `must be a multiple of ${iss.divisor}`;
    case 'invalid_key':
    case 'invalid_element':
      return 'is invalid';
    default:
      return 'is invalid';
  }
};

/** One `field: message` string per issue; `prefix` names the root (e.g. `categories`). */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix?: string): string[] {
  return issues.map((i) => `${formatPath(prefix === undefined ? i.path : [prefix, ...i.path])}: ${i.message}`);
}

/** Joins the first `max` issues into one reason, noting how many more there were. */
export function joinReasons(reasons: readonly string[], max = 5): string {
  const head = reasons.slice(0, max).join('; ');
  return reasons.length > max ? `${head}; (+${reasons.length - max} more)` : head;
}

/** A declaration's validation: the declared value under its noun (`{ ok: true, certificate }`), or one `field: message` per problem. */
export type Validation<Noun extends string, T> = ({ ok: true } & { [K in Noun]: T }) | { ok: false; errors: string[] };

/**
 * The validator of a kind of declaration: parses the input with `schema`, every error naming its
 * field; when the id in the path is given, the input's `idField` must equal it (a PUT /…/:id body
 * names the same thing as its path). The parsed value, through `toValue`, stands under `noun`.
 */
export function declarationValidator<S extends z.ZodType, Noun extends string, T = z.output<S>>(
  schema: S,
  idField: string,
  noun: Noun,
  toValue: (parsed: z.output<S>) => T = (parsed) => parsed as T,
): (input: unknown, idFromPath?: string) => Validation<Noun, T> {
  return (input, idFromPath) => {
    const result = schema.safeParse(input, { error: safeErrorMap });
    const errors = result.success ? [] : formatIssues(result.error.issues);
    if (idFromPath !== undefined) {
      const id = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[idField] : undefined;
      if (typeof id === 'string' && id !== idFromPath) errors.push(`${idField}: must match the id in the path`);
    }
    if (!result.success || errors.length > 0) return { ok: false, errors };
    return { ok: true, [noun]: toValue(result.data) } as Validation<Noun, T>;
  };
}
