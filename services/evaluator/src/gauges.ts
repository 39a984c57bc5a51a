import { zeroAlertsFiring, type Metrics } from '@pi-egress/core';
import { addDaysToDate, chinaDayStart, classLabel, DATA_CLASSES, levelLabel, type ActiveAlert } from '@pi-egress/domain';
import type { Assessment } from './assess.js';

/**
 * Sets the SPEC §7 gauges from one evaluation. Everything is reset and set again in one
 * synchronous pass: label sets that no longer exist (a past year, a removed certificate) vanish,
 * and a scrape, which cannot interleave with synchronous code, never sees a half-updated set.
 */
export function publishGauges(metrics: Metrics, assessment: Assessment, firing: readonly ActiveAlert[]): void {
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
    for (const s of standings) {
      const labels = { processor_id: certificate.processorId, certificate_id: certificate.certificateId, class: classLabel(s.dataClass), year: String(year) };
      metrics.individuals.set(labels, s.count);
      metrics.cap.set(labels, s.cap);
      metrics.utilization.set(labels, s.utilization);
      if (s.forecast && year === assessment.year) metrics.forecastCapTimestamp.set(labels, chinaDayStart(s.forecast.date).getTime() / 1000);
      for (const level of certificate.alerting.levels) metrics.alertLevel.set({ ...labels, level: levelLabel(level) }, level);
    }
  }
  // Per certificate, once: its forecast horizon (read by the Prometheus rules), validity and successor.
  for (const { certificate, superseded } of assessment.certificates.filter((c) => c.year === assessment.year)) {
    const owner = { processor_id: certificate.processorId, certificate_id: certificate.certificateId };
    metrics.forecastHorizon.set(owner, certificate.alerting.forecastHorizonDays * 86_400);
    // End of the last day of validity, China time.
    const expiry = chinaDayStart(addDaysToDate(certificate.validTo, 1)).getTime() / 1000;
    metrics.certificateExpiry.set({ certificate_id: certificate.certificateId }, expiry);
    metrics.certificateSuperseded.set({ certificate_id: certificate.certificateId }, superseded ? 1 : 0);
  }
  // Processor totals (all counted transfers, whatever the mechanism) carry no certificate_id.
  for (const { processorId, counts, year } of assessment.processors) {
    for (const dataClass of DATA_CLASSES) {
      metrics.individuals.set({ processor_id: processorId, certificate_id: '', class: classLabel(dataClass), year: String(year) }, counts[dataClass]);
    }
  }
  for (const alert of firing) metrics.alertsFiring.inc({ alertname: alert.labels.alertname, severity: alert.labels.severity });
}
