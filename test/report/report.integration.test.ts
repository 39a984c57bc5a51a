// The compliance report seen as a person sees it: the HTML report rendered by Debian's headless
// Chromium and screenshotted, the PDF report rasterised by poppler's pdftoppm and read by
// pdftotext; and the PDF verified against the store by the pi-egress-evidence command, which
// rejects edited ones. Real API over HTTP, real engine, real Chromium and poppler.
import type { EvidencePack } from '@pi-egress/core';
import { runEvidenceCli } from '@pi-egress/evidence-cli';
import { attachPack, printToPdf, renderReportHtml, screenshot } from '@pi-egress/report';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument, PDFName, PDFString, PDFDict } from 'pdf-lib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickhouseUrl, makeCertificate, makeEvent, startTestApi, subjects, type TestApi } from '@pi-egress/testing';
import { requireBinary, runCommand } from '../harness/process.js';

const CERT = 'CERT-REPORT';
const cert = { certificateId: CERT, processorId: 'P-REPORT' };
// Worked out by hand from the seeded events below: 30 people in January, 4 of them again with
// health data in March (sensitive), 7 new people in June to an undeclared recipient.
// Non-sensitive 37 of a cap of 40: 92.5 %, headroom 3. Sensitive 4 of 5: 80.0 %, headroom 1.
// Sensitive 1 以上 and non-sensitive 不满 100,000: standard contract or certification.
const ROW_NON_SENSITIVE = '374092.5%3';
const ROW_SENSITIVE = '4580.0%1';
const PATHWAY = 'standard_contract_or_certification';

const squash = (text: string) => text.normalize('NFKC').replace(/\s+/g, '');

/** Share of pixels that are not (near) white, from 8-bit samples with `channels` per pixel (gray, or RGBA). */
function inkRatio(samples: Uint8Array, channels: 1 | 4): number {
  let ink = 0;
  for (let i = 0; i < samples.length; i += channels) {
    const darkest = channels === 1 ? samples[i]! : Math.min(samples[i]!, samples[i + 1]!, samples[i + 2]!);
    if (darkest < 220) ink += 1;
  }
  return ink / (samples.length / channels);
}

/** The samples of a binary PGM (P5) as pdftoppm -gray writes it. */
function pgmSamples(bytes: Buffer): { width: number; height: number; samples: Uint8Array } {
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 40).toString('latin1'));
  expect(header, 'a PGM image').not.toBeNull();
  return { width: Number(header![1]), height: Number(header![2]), samples: bytes.subarray(header![0].length) };
}

describe('the compliance report as a person sees it', () => {
  const chromium = requireBinary(['chromium', 'chromium-browser'], 'chromium', 'EGRESS_CHROMIUM_PATH');
  const pdftoppm = requireBinary(['pdftoppm'], 'poppler-utils');
  const pdftotext = requireBinary(['pdftotext'], 'poppler-utils');
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  let api: TestApi;
  let packText: string;
  let pack: EvidencePack;
  let pdf: Buffer;

  const report = (query: string) =>
    api.call('auditor', 'GET', `/v1/certificates/${CERT}/report?year=2026&asOf=${encodeURIComponent(pack.asOf)}${query}`);
  const pdfText = async (file: string) => (await runCommand(pdftotext, ['-layout', '-enc', 'UTF-8', file, '-'])).stdout;
  const cliIo = (lines: string[]) => ({
    out: (l: string) => lines.push(l),
    err: (l: string) => lines.push(l),
    env: { CLICKHOUSE_DATABASE: (api.ctx.store as { database?: string }).database, EGRESS_CHROMIUM_PATH: chromium },
  });
  const verify = async (file: string) => {
    const publicKey = join(dir, 'evidence.pub');
    writeFileSync(publicKey, api.evidenceKey.publicKey.export({ type: 'spki', format: 'pem' }));
    const lines: string[] = [];
    const code = await runEvidenceCli(['verify', file, '--public-key', publicKey, '--clickhouse-url', clickhouseUrl()], cliIo(lines));
    return { code, output: lines.join('\n') };
  };

  beforeAll(async () => {
    api = await startTestApi({ now: () => new Date('2027-01-05T00:00:00Z'), chromiumPath: chromium });
    const scope = makeCertificate({ ...cert, groupId: 'G-REPORT', limits: { nonSensitive: 40, sensitive: 5 } });
    expect((await api.call('admin', 'PUT', `/v1/certificates/${CERT}`, scope)).status).toBe(200);
    const events = [
      makeEvent({ ...cert, occurredAt: '2026-01-15T02:00:00Z', system: 'CRM', subjects: subjects(30, 'rp') }),
      makeEvent({ ...cert, occurredAt: '2026-03-03T02:00:00Z', system: 'BILL', categories: ['name', 'health'], subjects: subjects(4, 'rp', 26) }),
      makeEvent({ ...cert, occurredAt: '2026-06-01T02:00:00Z', recipient: { id: 'R3', country: 'US' }, subjects: subjects(7, 'rp', 30) }),
    ];
    expect(((await (await api.call('ingest', 'POST', '/v1/events', events)).json()) as { accepted: number }).accepted).toBe(3);
    const response = await api.call('auditor', 'GET', `/v1/certificates/${CERT}/evidence?year=2026&asOf=latest`);
    packText = await response.text();
    pack = JSON.parse(packText) as EvidencePack;
    expect(pack.counts).toEqual({ nonSensitive: { count: 37, cap: 40, utilization: 0.925 }, sensitive: { count: 4, cap: 5, utilization: 0.8 } });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('HTML: Chromium shows a non-blank page stating the counts, caps, utilisation and pathway', async () => {
    const response = await report('&format=html&lang=en');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await response.text();
    writeFileSync(join(dir, 'report.html'), html);

    const png = PNG.sync.read(await screenshot(html, { executable: chromium, width: 1000, height: 1400 }));
    mkdirSync(join(tmpdir(), 'pi-egress-report-screens'), { recursive: true });
    writeFileSync(join(tmpdir(), 'pi-egress-report-screens', 'report-en.png'), PNG.sync.write(png));
    expect([png.width, png.height]).toEqual([1000, 1400]);
    expect(inkRatio(png.data, 4)).toBeGreaterThan(0.02);
    // The charts' colours are on the page (bars and lines in the two class colours).
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add((png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!);
    expect(colours.size).toBeGreaterThan(50);

    // The text of the page Chromium loaded (its DOM after parsing), tags removed.
    const dom = (
      await runCommand(chromium, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', `file://${join(dir, 'report.html')}`], {
        timeoutMs: 120_000,
      })
    ).stdout;
    const text = squash(
      dom
        .replace(/<style[\s\S]*?<\/style>/g, '')
        .replace(/<[^>]+>/g, ' ')
        .replaceAll('&nbsp;', ' '),
    );
    for (const figure of [ROW_NON_SENSITIVE, ROW_SENSITIVE, PATHWAY, CERT, pack.signature.keyId, 'Standardcontractorcertification'])
      expect(text).toContain(figure);
    expect(text).toContain('敏感个人信息'); // kept next to the English gloss
  }, 180_000);

  it('PDF: pdftoppm shows a non-blank first page; pdftotext finds the counts, caps, pathway and signature key id', async () => {
    const response = await report('&format=pdf&lang=en');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    pdf = Buffer.from(await response.arrayBuffer());
    writeFileSync(join(dir, 'report.pdf'), pdf);

    await runCommand(pdftoppm, ['-r', '40', '-gray', '-f', '1', '-l', '1', join(dir, 'report.pdf'), join(dir, 'page')]);
    const page = pgmSamples(readFileSync(join(dir, 'page-1.pgm')));
    expect(page.width).toBeGreaterThan(300); // A4 at 40 dpi: 331 × 468
    expect(inkRatio(page.samples, 1)).toBeGreaterThan(0.01);

    const text = squash(await pdfText(join(dir, 'report.pdf')));
    for (const figure of [
      ROW_NON_SENSITIVE,
      ROW_SENSITIVE,
      PATHWAY,
      CERT,
      pack.asOf,
      pack.signature.keyId,
      pack.signature.value,
      pack.digest.sensitive,
    ]) {
      expect(text, figure).toContain(figure);
    }
  }, 180_000);

  it('lang=zh: the legal terms as the Measures write them, in the HTML and in the PDF', async () => {
    const html = await (await report('&format=html&lang=zh')).text();
    expect(html).toContain('<html lang="zh-CN">');
    const response = await report('&format=pdf&lang=zh');
    expect(response.status).toBe(200);
    writeFileSync(join(dir, 'report-zh.pdf'), Buffer.from(await response.arrayBuffer()));
    const text = squash(await pdfText(join(dir, 'report-zh.pdf')));
    for (const term of ['敏感个人信息', '以上', '不满', '个人信息出境标准合同或个人信息保护认证', ROW_NON_SENSITIVE]) expect(text).toContain(term);
  }, 180_000);

  it('verify accepts the PDF and rejects one whose pack, pages or document information was edited', async () => {
    expect(await verify(join(dir, 'report.pdf'))).toMatchObject({ code: 0 });

    // The attached pack edited (one count): its signature no longer holds.
    const pages = await PDFDocument.load(pdf);
    const tamperedPack = packText.replace('"count":37', '"count":36');
    const repacked = await PDFDocument.create();
    for (const copied of await repacked.copyPages(pages, pages.getPageIndices())) repacked.addPage(copied);
    writeFileSync(join(dir, 'edited-pack.pdf'), await attachPack(await repacked.save(), tamperedPack));
    const editedPack = await verify(join(dir, 'edited-pack.pdf'));
    expect(editedPack.code).toBe(1);
    expect(editedPack.output).toMatch(/signature: does not match/);

    // Pages showing other figures than the signed pack they carry.
    const otherFigures = { ...pack, counts: { ...pack.counts, nonSensitive: { count: 31, cap: 40, utilization: 0.775 } } };
    const printed = await printToPdf(await renderReportHtml(otherFigures, 'en'), { executable: chromium });
    writeFileSync(join(dir, 'edited-pages.pdf'), await attachPack(printed, packText));
    const editedPages = await verify(join(dir, 'edited-pages.pdf'));
    expect(editedPages.code).toBe(1);
    expect(editedPages.output).toContain(`pages: do not state "${ROW_NON_SENSITIVE}"`);

    // The signature copied into the document information changed.
    const doc = await PDFDocument.load(pdf);
    doc.context.lookup(doc.context.trailerInfo.Info, PDFDict).set(PDFName.of('EvidenceSignatureKeyId'), PDFString.of('0000000000000000'));
    writeFileSync(join(dir, 'edited-info.pdf'), await doc.save());
    const editedInfo = await verify(join(dir, 'edited-info.pdf'));
    expect(editedInfo.code).toBe(1);
    expect(editedInfo.output).toMatch(/document information EvidenceSignatureKeyId: differs/);
  }, 180_000);

  it('pi-egress-evidence report renders a saved pack offline into a PDF that verifies', async () => {
    writeFileSync(join(dir, 'pack.json'), packText);
    const lines: string[] = [];
    const out = join(dir, 'offline.pdf');
    expect(await runEvidenceCli(['report', join(dir, 'pack.json'), '--out', out, '--lang', 'en'], cliIo(lines)), lines.join('\n')).toBe(0);
    expect(squash(await pdfText(out))).toContain(ROW_SENSITIVE);
    expect(await verify(out)).toMatchObject({ code: 0 });
    writeFileSync(join(dir, 'edited.json'), packText.replace('"count":37', '"count":36'));
    expect(await runEvidenceCli(['report', join(dir, 'edited.json'), '--out', join(dir, 'no.pdf')], cliIo(lines))).toBe(1);
    expect(lines.join('\n')).toMatch(/NOT rendered: .* is not an intact signed evidence pack/);
  }, 180_000);

  it('answers 503 with a clear message for a PDF when Chromium is missing; HTML still works', async () => {
    const without = await startTestApi({ store: api.ctx.store, chromiumPath: join(dir, 'no-chromium-here') });
    try {
      const response = await without.call('auditor', 'GET', `/v1/certificates/${CERT}/report?year=2026&format=pdf`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: 'unavailable', message: expect.stringMatching(/needs headless Chromium .*not an executable/) });
      expect((await without.call('auditor', 'GET', `/v1/certificates/${CERT}/report?year=2026&format=html`)).status).toBe(200);
      expect((await without.call('viewer', 'GET', `/v1/certificates/${CERT}/report?year=2026`)).status).toBe(403);
    } finally {
      await without.app.close(); // the store is the first API's
    }
  });
});
