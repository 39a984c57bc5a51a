import type { EvidencePack } from '@pi-egress/core';
import { printToPdf, type ChromiumOptions } from './chromium.js';
import { renderReportHtml, reportFigures } from './html.js';
import type { ReportLang } from './labels.js';

/**
 * The report as PDF: Chromium prints the HTML report, then pdf-lib adds the signed pack itself
 * (its exact bytes) as the attachment `evidence-pack.json` and copies its digests and signature
 * into the document information. Reading uses pdf.js (Mozilla's PDF reader, pure JavaScript).
 */

export const PACK_ATTACHMENT = 'evidence-pack.json';

/** Document information entries carrying the pack's identity, digests and signature (a copy for tools that show metadata). */
function infoEntries(pack: EvidencePack): Record<string, string> {
  return {
    EvidenceFormat: pack.format,
    EvidenceCertificateId: pack.certificateId,
    EvidenceYear: String(pack.year),
    EvidenceAsOf: pack.asOf,
    EvidenceDigestNonSensitive: pack.digest.nonSensitive,
    EvidenceDigestSensitive: pack.digest.sensitive,
    EvidenceSignatureAlgorithm: pack.signature.algorithm,
    EvidenceSignatureKeyId: pack.signature.keyId,
    EvidenceSignature: pack.signature.value,
  };
}

/** The PDF report of a signed pack, given as the exact text that was served (so the attachment verifies byte for byte). */
export async function renderReportPdf(packText: string, lang: ReportLang, options: ChromiumOptions = {}): Promise<Uint8Array> {
  const pack = JSON.parse(packText) as EvidencePack;
  return attachPack(await printToPdf(await renderReportHtml(pack, lang), options), packText);
}

/** Adds the signed pack (attachment and document information) to printed pages. */
export async function attachPack(printed: Uint8Array, packText: string): Promise<Uint8Array> {
  const pack = JSON.parse(packText) as EvidencePack;
  // Loaded by the first report, not at start-up: pdf-lib adds ~25 MB to the monitor's RSS once loaded
  // (memory-settings bench), and most monitors rarely print a report.
  const { PDFDict, PDFDocument, PDFName, PDFString } = await import('pdf-lib');
  const doc = await PDFDocument.load(printed, { updateMetadata: false });
  await doc.attach(Buffer.from(packText, 'utf8'), PACK_ATTACHMENT, {
    mimeType: 'application/json',
    description: `Signed evidence pack ${pack.certificateId} ${pack.year} as of ${pack.asOf}`,
  });
  doc.setTitle(`PI egress compliance report ${pack.certificateId} ${pack.year}`);
  doc.setSubject(
    `Evidence pack ${pack.certificateId} ${pack.year} as of ${pack.asOf}, signed ${pack.signature.algorithm} key ${pack.signature.keyId}`,
  );
  doc.setKeywords([
    pack.format,
    `keyId:${pack.signature.keyId}`,
    `digest.nonSensitive:${pack.digest.nonSensitive}`,
    `digest.sensitive:${pack.digest.sensitive}`,
  ]);
  doc.setCreator('pi-egress-monitor');
  doc.setProducer('Chromium (print to PDF), pdf-lib');
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict); // created by setTitle above
  for (const [key, value] of Object.entries(infoEntries(pack))) info.set(PDFName.of(key), PDFString.of(value));
  return doc.save();
}

export interface ReadReport {
  /** The attached pack's exact text, when there is one. */
  packText?: string;
  /** The document information entries. */
  info: Record<string, unknown>;
  /** Text of every page, NFKC-normalised (CJK radicals as the ideographs they stand for), white space removed. */
  pageText: string;
}

export async function readReportPdf(bytes: Uint8Array): Promise<ReadReport> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const attachments = ((await pdf.getAttachments()) ?? {}) as Record<string, { content: Uint8Array }>;
    const attached = attachments[PACK_ATTACHMENT];
    const pages: string[] = [];
    for (let n = 1; n <= pdf.numPages; n += 1) {
      const content = await (await pdf.getPage(n)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
    }
    const { info } = (await pdf.getMetadata()) as unknown as { info: Record<string, unknown> };
    return {
      ...(attached ? { packText: Buffer.from(attached.content).toString('utf8') } : {}),
      info: { ...info, ...((info.Custom as Record<string, unknown> | undefined) ?? {}) },
      pageText: pages.join('').normalize('NFKC').replace(/\s+/g, ''),
    };
  } finally {
    await pdf.destroy();
  }
}

/**
 * What a PDF report shows that is not its attached pack: a figure of the pack missing from the
 * pages (edited or covered), or document information that differs from the pack.
 */
export function reportPdfProblems(pack: EvidencePack, read: ReadReport): string[] {
  const problems = reportFigures(pack)
    .filter((figure) => !read.pageText.includes(figure))
    .map((figure) => `pages: do not state "${figure.length > 24 ? `${figure.slice(0, 24)}…` : figure}" of the attached signed pack`);
  for (const [key, value] of Object.entries(infoEntries(pack))) {
    if (read.info[key] !== value) problems.push(`document information ${key}: differs from the attached signed pack`);
  }
  return problems;
}
