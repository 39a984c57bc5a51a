import { DATA_CLASSES, zeroCounts, type ClassCounts, type DataClass, type ScopeKey } from '@pi-egress/domain';

/** Default hold of a reserving admission (`reserve: true`): 5 minutes. */
export const DEFAULT_RESERVATION_TTL_MS = 5 * 60_000;

/** People one reservation holds at one scope: pseudonym → the classes it would add there. */
type HeldPeople = Map<string, readonly DataClass[]>;

interface Reservation {
  eventId: string;
  expiresAt: number;
  held: Map<string, HeldPeople>;
}

const keyOf = (key: ScopeKey) => `${key.level}\u0000${key.scopeId}\u0000${key.year}`;

/**
 * Capacity held by reserving admissions until their transfer arrives (by eventId) or the hold
 * expires. Decisions that reserve run one at a time ({@link exclusive}), so concurrent admissions
 * see each other's holds and cannot together pass a cap. The book lives in the process that
 * answers admissions: run reserving admissions against one API process (see docs).
 */
export class ReservationBook {
  private readonly reservations = new Map<string, Reservation>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly ttlMs = DEFAULT_RESERVATION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `decide` after every earlier one has finished: check and hold happen as one step. */
  exclusive<T>(decide: () => Promise<T>): Promise<T> {
    const run = this.queue.then(decide, decide);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * At `key`: how many people other reservations hold that are not counted yet (per class), and
   * which of `candidates` they already hold in a class (those add nothing new).
   */
  heldAt(
    key: ScopeKey,
    candidates: ReadonlyMap<string, readonly DataClass[]>,
    exceptEventId?: string,
  ): { held: ClassCounts; alreadyHeld: Map<string, Set<DataClass>> } {
    this.expire();
    const people = new Map<string, Set<DataClass>>();
    for (const reservation of this.reservations.values()) {
      if (reservation.eventId === exceptEventId) continue;
      for (const [idHash, classes] of reservation.held.get(keyOf(key)) ?? []) {
        const known = people.get(idHash) ?? new Set<DataClass>();
        for (const c of classes) known.add(c);
        people.set(idHash, known);
      }
    }
    const held = zeroCounts();
    for (const classes of people.values()) for (const c of DATA_CLASSES) if (classes.has(c)) held[c] += 1;
    const alreadyHeld = new Map([...candidates.keys()].filter((idHash) => people.has(idHash)).map((idHash) => [idHash, people.get(idHash)!]));
    return { held, alreadyHeld };
  }

  /** Holds the people a transfer would add at each of its scopes, under its eventId (replacing an earlier hold of it). */
  hold(eventId: string, added: ReadonlyArray<{ key: ScopeKey; people: HeldPeople }>): Date {
    const expiresAt = this.now() + this.ttlMs;
    this.reservations.set(eventId, { eventId, expiresAt, held: new Map(added.map(({ key, people }) => [keyOf(key), people])) });
    return new Date(expiresAt);
  }

  /** The transfer arrived: its people are counted now, so the hold goes. */
  consume(eventIds: Iterable<string>): void {
    for (const eventId of eventIds) this.reservations.delete(eventId);
  }

  get size(): number {
    this.expire();
    return this.reservations.size;
  }

  private expire(): void {
    const now = this.now();
    for (const [eventId, reservation] of this.reservations) if (reservation.expiresAt <= now) this.reservations.delete(eventId);
  }
}
