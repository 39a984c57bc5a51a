// The end of the campaign: every count of every scope, year and class against the truth, the
// stored events against those produced, and the dead letters against the malformed messages.
import type { Kafka } from 'kafkajs';
import type { Store } from '@pi-egress/store';
import type { WebhookReceiver } from '../harness/alertmanager.js';
import { readDeadLetters } from '../harness/ingest-kafka.js';
import type { EventSource } from './event-source.js';
import { DLQ_TOPIC, TOPIC } from './campaign-rig.js';
import type { CountCheck, DataClass } from './truth.js';

const CLASSES: DataClass[] = ['nonSensitive', 'sensitive'];

/** Each scope-year-class: the truth, the monitor's count (checkpoint + tail) and the full exact count. */
export async function compareCounts(store: Store, source: EventSource): Promise<CountCheck[]> {
  const checks: CountCheck[] = [];
  for (const scope of source.truth.scopeYears()) {
    const [usage, full] = await Promise.all([store.usage.individuals(scope), store.usage.fullCount(scope)]);
    for (const dataClass of CLASSES) {
      checks.push({
        ...scope,
        dataClass,
        truth: source.truth.expected(scope, dataClass),
        counted: usage.counts[dataClass],
        fullCount: full[dataClass],
      });
    }
  }
  return checks.sort((a, b) => `${a.level}${a.scopeId}${a.year}${a.dataClass}`.localeCompare(`${b.level}${b.scopeId}${b.year}${b.dataClass}`));
}

export interface EventCheck {
  produced: number;
  stored: number;
  missing: number;
  unexpected: number;
}

export async function compareEvents(store: Store, source: EventSource): Promise<EventCheck> {
  const result = await store.client.query({ query: 'SELECT DISTINCT event_id FROM transfers', format: 'JSONEachRow' });
  const stored = new Set((await result.json<{ event_id: string }>()).map((row) => row.event_id));
  const produced = source.truth.eventIds;
  let missing = 0;
  for (const id of produced) if (!stored.has(id)) missing += 1;
  let unexpected = 0;
  for (const id of stored) if (!produced.has(id)) unexpected += 1;
  return { produced: produced.size, stored: stored.size, missing, unexpected };
}

export interface DeadLetterCheck {
  malformed: number;
  deadLettered: number;
  missing: number;
  /** Dead letters that are not malformed messages (a valid event dead-lettered would be lost). */
  unexpected: number;
}

export async function compareDeadLetters(kafka: Kafka, source: EventSource): Promise<DeadLetterCheck> {
  const keys = new Set((await readDeadLetters(kafka, DLQ_TOPIC)).map((letter) => letter.key));
  let missing = 0;
  for (const key of source.malformed.keys()) if (!keys.has(key)) missing += 1;
  let unexpected = 0;
  for (const key of keys) if (!source.malformed.has(key)) unexpected += 1;
  return { malformed: source.malformed.size, deadLettered: keys.size, missing, unexpected };
}

/** The mock broker drops a partition's oldest messages past ~5 MB: then the truth no longer holds. */
export async function truncatedPartitions(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(TOPIC)).filter((p) => Number(p.low) > 0).length;
  } finally {
    await admin.disconnect();
  }
}

export interface AlertCheck {
  /** Transitions in the alert history. */
  transitions: number;
  /** History entries repeating the previous status of the same alert (a transition written twice). */
  repeatedTransitions: number;
  /** Firing notifications at the webhook, and those of an alert episode (labels + startsAt) already notified. */
  notified: number;
  notifiedTwice: number;
}

/** One alert history and each alert once at the webhook, whichever evaluator replica led when. */
export async function compareAlerts(store: Store, webhook: WebhookReceiver): Promise<AlertCheck> {
  const history = await store.alerts.history();
  const lastStatus = new Map<string, string>();
  let repeatedTransitions = 0;
  for (const entry of history) {
    const identity = JSON.stringify(Object.entries(entry.labels).sort());
    if (lastStatus.get(identity) === entry.status) repeatedTransitions += 1;
    lastStatus.set(identity, entry.status);
  }
  const episodes = new Set<string>();
  let notifiedTwice = 0;
  const firing = webhook.alerts.filter((alert) => alert.status === 'firing');
  for (const alert of firing) {
    const episode = JSON.stringify([Object.entries(alert.labels).sort(), alert.startsAt]);
    if (episodes.has(episode)) notifiedTwice += 1;
    episodes.add(episode);
  }
  return { transitions: history.length, repeatedTransitions, notified: firing.length, notifiedTwice };
}
