import type { Metrics } from '@pi-egress/core';
import { pipelineAlerts, trimObservations, type AlertCandidate, type PipelineObservation } from '@pi-egress/domain';

/**
 * Samples this process's ingest metrics at each evaluation (wall clock) and judges IngestStalled
 * and DeadLettersPresent over the samples kept. Ingest in another process is covered by the
 * Prometheus rules instead.
 */
export class PipelineWatch {
  private history: PipelineObservation[] = [];

  constructor(private readonly metrics: Metrics) {}

  async alerts(now = Date.now()): Promise<AlertCandidate[]> {
    const [lag, deadLetters] = await Promise.all([this.metrics.ingestLag.get(), this.metrics.deadLetters.get()]);
    const observation: PipelineObservation = {
      at: now,
      ingestLagSeconds: lag.values[0]?.value ?? 0,
      deadLetters: Object.fromEntries(deadLetters.values.map((v) => [String(v.labels.reason), v.value])),
    };
    this.history = trimObservations([...this.history, observation], now);
    return pipelineAlerts(this.history);
  }
}
