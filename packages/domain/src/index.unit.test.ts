import { describe, expect, it } from 'vitest';
import * as domain from './index.js';

describe('package entry', () => {
  it('exports the documented API', () => {
    for (const name of [
      'DATA_CLASSES',
      'classLabel',
      'CHINA_OFFSET_MS',
      'yearOf',
      'yearStart',
      'chinaDate',
      'chinaDayStart',
      'addMonthsToDate',
      'daysBetween',
      'CEILINGS',
      'ASSESSMENT_THRESHOLDS',
      'CONTRACT_THRESHOLDS',
      'pathwayFor',
      'ceilingReached',
      'DEFAULT_CATEGORIES',
      'CategoryCatalogue',
      'certificateSchema',
      'validateCertificate',
      'renewalDueDate',
      'outOfScopeReasons',
      'egressEventSchema',
      'MAX_SUBJECTS_PER_EVENT',
      'MAX_CLOCK_SKEW_MS',
      'parseEvent',
      'normaliseSubjectId',
      'pseudonymise',
      'subjectHash',
      'prepareTransfer',
      'WORKING_DAY_YEARS',
      'isWorkingDay',
      'shiftWorkingDays',
      'filingDueDate',
      'filingDueSeverity',
      'assessmentExtensionWindow',
      'assessmentExtensionSeverity',
    ]) {
      expect(domain, name).toHaveProperty(name);
    }
  });
});
