import { verifyEvidencePack, type EvidencePack, type EvidenceVerification } from '@pi-egress/core';
import type { Store } from '@pi-egress/store';
import type { KeyObject } from 'node:crypto';
import { PACK_ATTACHMENT, readReportPdf, reportPdfProblems } from './pdf.js';

export const isPdf = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';

/**
 * Verifies a PDF report: the attached pack as any pack (signature by the trusted key, then every
 * section recomputed from the store), and the pages and document information against that pack.
 */
export async function verifyReportPdf(store: Store, bytes: Uint8Array, trusted?: KeyObject): Promise<EvidenceVerification> {
  let read: Awaited<ReturnType<typeof readReportPdf>>;
  try {
    read = await readReportPdf(bytes);
  } catch (error) {
    return { ok: false, problems: [`pdf: cannot be read (${error instanceof Error ? error.message : String(error)})`] };
  }
  if (!read.packText) return { ok: false, problems: [`pdf: no attached ${PACK_ATTACHMENT} (not a report of this monitor?)`] };
  const result = await verifyEvidencePack(store, read.packText, trusted);
  if (!result.certificateId) return result;
  const problems = [...result.problems, ...reportPdfProblems(JSON.parse(read.packText) as EvidencePack, read)];
  return { ...result, ok: problems.length === 0, problems };
}
