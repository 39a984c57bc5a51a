import { describe, expect, it } from 'vitest';
import { pipelineAlerts, trimObservations, type PipelineObservation } from './pipeline-alerts.js';

const MIN = 60_000;
const obs = (minute: number, ingestLagSeconds: number, deadLetters: Record<string, number> = {}): PipelineObservation => ({
  at: minute * MIN,
  ingestLagSeconds,
  deadLetters,
});
const names = (history: PipelineObservation[]) =>
  pipelineAlerts(history).map((a) => `${a.labels.alertname}${a.labels.reason ? `/${a.labels.reason}` : ''}`);

describe('pipeline alerts', () => {
  it('flags a stall once the lag stayed above 10 minutes for 10 minutes', () => {
    const behind = Array.from({ length: 11 }, (_, m) => obs(m, 900));
    expect(names(behind.slice(0, 10))).toEqual([]);
    expect(names(behind)).toEqual(['IngestStalled']);
    expect(names([...behind.slice(0, 5), obs(5, 30), ...behind.slice(6)])).toEqual([]);
  });

  it('flags dead letters added within the last hour, per reason', () => {
    expect(names([obs(0, 0), obs(1, 0, { schema: 2 })])).toEqual(['DeadLettersPresent/schema']);
    expect(names([obs(0, 0, { schema: 2 }), obs(61, 0, { schema: 2, oversized: 1 })])).toEqual(['DeadLettersPresent/oversized']);
    expect(pipelineAlerts([obs(0, 0, { schema: 2 }), obs(61, 0, { schema: 5 })])[0]?.description).toContain('3 events');
  });

  it('keeps the window and the last observation before it', () => {
    const history = [obs(0, 0), obs(10, 0), obs(30, 0), obs(75, 0)];
    expect(trimObservations(history, 75 * MIN).map((o) => o.at / MIN)).toEqual([10, 30, 75]);
  });
});
