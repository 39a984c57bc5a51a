import { describe, expect, it } from 'vitest';
import { admissionDecision, type AdmissionScope } from './admission.js';
import type { Mechanism } from './event.js';
import type { OutOfScopeReason } from './outOfScope.js';

const counts = (nonSensitive: number, sensitive: number) => ({ nonSensitive, sensitive });
const certificate = (now: [number, number], added: [number, number], caps: [number, number]): AdmissionScope => ({
  level: 'certificate',
  counts: counts(...now),
  added: counts(...added),
  caps: counts(...caps),
});
const processor = (now: [number, number], added: [number, number]): AdmissionScope => ({
  level: 'processor',
  counts: counts(...now),
  added: counts(...added),
});
const decide = (
  scopes: AdmissionScope[],
  extra: { mechanism?: Mechanism; ciiOperator?: boolean; importantData?: boolean; outOfScopeReasons?: OutOfScopeReason[] } = {},
) =>
  admissionDecision({
    mechanism: extra.mechanism ?? 'certification',
    outOfScopeReasons: extra.outOfScopeReasons ?? [],
    ciiOperator: extra.ciiOperator ?? false,
    importantData: extra.importantData ?? false,
    scopes,
  });

describe('admission decision', () => {
  it('allows a transfer that reaches a cap exactly and refuses one that passes it', () => {
    expect(decide([certificate([8, 0], [2, 0], [10, 5])])).toEqual({ allowed: true, reasons: [] });
    expect(decide([certificate([8, 5], [3, 1], [10, 5])])).toEqual({
      allowed: false,
      reasons: ['cap_exceeded_non_sensitive', 'cap_exceeded_sensitive'],
    });
  });

  it('refuses at the pathway ceilings (以上) of the processor and of the group', () => {
    expect(decide([processor([999_998, 9_998], [1, 1])]).allowed).toBe(true);
    expect(decide([processor([999_999, 9_999], [1, 1])]).reasons).toEqual(['ceiling_reached_non_sensitive', 'ceiling_reached_sensitive']);
    expect(decide([{ level: 'group', counts: counts(0, 9_999), added: counts(0, 1) }]).reasons).toEqual(['group_ceiling_reached_sensitive']);
  });

  it('refuses a scope already broken even when the transfer adds nobody', () => {
    expect(decide([certificate([11, 0], [0, 0], [10, 5])]).reasons).toEqual(['cap_exceeded_non_sensitive']);
  });

  it('keeps the out-of-scope reasons and refuses certification for a CII operator', () => {
    const decision = decide([processor([0, 0], [1, 0])], { outOfScopeReasons: ['recipient_not_in_scope'], ciiOperator: true });
    expect(decision).toEqual({ allowed: false, reasons: ['recipient_not_in_scope', 'cii_operator'] });
  });

  it('does not bind a security-assessment transfer or an uncounted one by caps and ceilings', () => {
    expect(decide([processor([2_000_000, 0], [5, 0])], { mechanism: 'security_assessment', ciiOperator: true }).allowed).toBe(true);
    expect(decide([], { mechanism: 'exempt' }).allowed).toBe(true);
  });

  // PIPL Art. 40 and the 2024 Provisions Art. 7: a CII operator and any important data need a
  // security assessment, whatever the volume; exemptions (2024 Provisions Art. 5) stay open to a CII operator.
  it.each([
    { mechanism: 'certification', ciiOperator: true, importantData: false, reasons: ['cii_operator'] },
    { mechanism: 'standard_contract', ciiOperator: true, importantData: false, reasons: ['cii_operator'] },
    { mechanism: 'security_assessment', ciiOperator: true, importantData: true, reasons: [] },
    { mechanism: 'exempt', ciiOperator: true, importantData: false, reasons: [] },
    { mechanism: 'standard_contract', ciiOperator: false, importantData: true, reasons: ['important_data'] },
    { mechanism: 'exempt', ciiOperator: false, importantData: true, reasons: ['important_data'] },
    { mechanism: 'certification', ciiOperator: true, importantData: true, reasons: ['important_data', 'cii_operator'] },
  ] as const)('$mechanism, CII $ciiOperator, important data $importantData → $reasons', ({ mechanism, ciiOperator, importantData, reasons }) => {
    expect(decide([], { mechanism, ciiOperator, importantData })).toEqual({ allowed: reasons.length === 0, reasons });
  });

  it('names important data once when the scope check already found it', () => {
    const decision = decide([], { outOfScopeReasons: ['important_data'], importantData: true });
    expect(decision.reasons).toEqual(['important_data']);
  });
});
