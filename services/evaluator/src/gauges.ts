import { eventLoopSlices, hasPublishedGauges, renderPublishedGauges, zeroAlertsFiring, type Metrics } from '@pi-egress/core';
import {
  addDaysToDate,
  chinaDayStart,
  classLabel,
  DATA_CLASSES,
  instrumentKind,
  isCertificate,
  levelLabel,
  type ActiveAlert,
  type Instrument,
} from '@pi-egress/domain';
import type { Assessment } from './assess.js';

/**
 * Sets the SPEC §7 gauges from one evaluation and renders them for scrapes. Everything is reset
 * and set again: label sets that no longer exist (a past year, a removed certificate) vanish.
 * The work runs in slices (at 2,000 certificates it held scrapes and API requests for hundreds of
 * milliseconds); scrapes meanwhile serve the text rendered after the previous evaluation, so they
 * never see a half-updated set.
 */
export async function publishGauges(metrics: Metrics, assessment: Assessment, firing: readonly ActiveAlert[]): Promise<void> {
  // Before the first rendering scrapes read the gauges themselves: render them as they stand first.
  if (!hasPublishedGauges(metrics)) await renderPublishedGauges(metrics);
  const slice = eventLoopSlices();
  for (const gauge of [
    metrics.individuals,
    metrics.cap,
    metrics.utilization,
    metrics.forecastCapTimestamp,
    metrics.alertLevel,
    metrics.forecastHorizon,
    metrics.certificateExpiry,
    metrics.certificateSuperseded,
    metrics.alertsFiring,
  ]) {
    gauge.reset();
  }
  zeroAlertsFiring(metrics);
  for (const { certificate, standings, year } of assessment.certificates) {
    const owner = instrumentSeriesLabels(certificate);
    for (const s of standings) {
      const labels = { ...owner, class: classLabel(s.dataClass), year: String(year) };
      metrics.individuals.set(labels, s.count);
      metrics.cap.set(labels, s.cap);
      metrics.utilization.set(labels, s.utilization);
      if (s.forecast && year === assessment.year) metrics.forecastCapTimestamp.set(labels, chinaDayStart(s.forecast.date).getTime() / 1000);
      if (!isCertificate(certificate)) continue;
      // Read by the Prometheus rules, which judge certificates (the evaluator judges every kind).
      const certificateLabels = {
        processor_id: certificate.processorId,
        certificate_id: certificate.certificateId,
        class: labels.class,
        year: labels.year,
      };
      for (const level of certificate.alerting.levels) metrics.alertLevel.set({ ...certificateLabels, level: levelLabel(level) }, level);
    }
    await slice();
  }
  // Per certificate, once: its forecast horizon (read by the Prometheus rules), validity and successor.
  for (const { certificate, superseded } of assessment.certificates.filter((c) => c.year === assessment.year)) {
    if (!isCertificate(certificate)) continue;
    const owner = { processor_id: certificate.processorId, certificate_id: certificate.certificateId };
    metrics.forecastHorizon.set(owner, certificate.alerting.forecastHorizonDays * 86_400);
    // End of the last day of validity, China time.
    const expiry = chinaDayStart(addDaysToDate(certificate.validTo, 1)).getTime() / 1000;
    metrics.certificateExpiry.set({ certificate_id: certificate.certificateId }, expiry);
    metrics.certificateSuperseded.set({ certificate_id: certificate.certificateId }, superseded ? 1 : 0);
    await slice();
  }
  // Processor totals (all counted transfers, whatever the mechanism) carry no certificate_id.
  for (const { processorId, counts, year } of assessment.processors) {
    for (const dataClass of DATA_CLASSES) {
      const labels = {
        processor_id: processorId,
        certificate_id: '',
        instrument_id: '',
        instrument_kind: '',
        class: classLabel(dataClass),
        year: String(year),
      };
      metrics.individuals.set(labels, counts[dataClass]);
    }
    await slice();
  }
  for (const alert of firing) metrics.alertsFiring.inc({ alertname: alert.labels.alertname, severity: alert.labels.severity });
  await renderPublishedGauges(metrics);
}

/** The scope labels of an instrument's series: certificate_id for a certificate (as always), instrument_id and instrument_kind for the other kinds. */
function instrumentSeriesLabels(i: Instrument) {
  const kind = instrumentKind(i);
  const certificate = kind === 'certification';
  return {
    processor_id: i.processorId,
    certificate_id: certificate ? i.certificateId : '',
    instrument_id: certificate ? '' : i.certificateId,
    instrument_kind: certificate ? '' : kind,
  };
}
