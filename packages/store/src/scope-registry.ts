import type { ClickHouseClient } from '@clickhouse/client';
import {
  defaultProcessorSettings,
  instrumentKind,
  isCertificate,
  versionTimeline,
  type Certificate,
  type Instrument,
  type InstrumentKind,
  type ProcessorSettings,
  type ScopeVersion,
} from '@pi-egress/domain';
import { selectRows } from './client.js';
import { fromClickHouseTime, toClickHouseTime } from './scope.js';

/** A group's membership epoch: its people are counted under {@link groupCountingId}. */
export interface GroupEpoch {
  groupId: string;
  epoch: number;
  members: string[];
}

/**
 * The scope id a group's people are counted under in an epoch. Epoch 0 is the group id itself;
 * a membership change starts a new epoch, rebuilt from the members' own rows (group-counts.ts).
 * Identifiers hold no control characters, so this id cannot collide with a declared one.
 */
export function groupCountingId(groupId: string, epoch: number): string {
  return epoch === 0 ? groupId : `${groupId}\u0000epoch\u0000${epoch}`;
}

interface VersionRow {
  certificate_id: string;
  effective_from: string;
  body: string;
  declared_at: string;
}

/**
 * Declared scopes (every version), processor settings and group epochs. Reads are served from
 * memory (ingest looks them up for every event) and reloaded from the store every `reloadMs`
 * (in the background while requests keep coming), so a declaration made through another instance
 * is seen within that time; writes here update the memory at once.
 */
export class ScopeRegistry {
  private versions = new Map<string, ScopeVersion[]>();
  private processors = new Map<string, ProcessorSettings>();
  private epochs = new Map<string, GroupEpoch>();
  /**
   * Indexes kept beside the maps so that no read scans every scope (2,000 certificates, 500
   * processors): the current instruments sorted, and each group's members sorted.
   */
  private instrumentList: Instrument[] | undefined;
  private members: Map<string, string[]> | undefined;
  private loadedAt = 0;
  private loading: Promise<void> | undefined;
  /** Writes of this process so far: a reload that saw one land while it read discards its snapshot. */
  private localWrites = 0;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly reloadMs = 5_000,
  ) {}

  /** Adds a version of a scope (an instrument of any kind); `effectiveFrom` decides which transfers it judges. */
  async putVersion(certificate: Instrument, effectiveFrom: Date): Promise<ScopeVersion> {
    const declaredAt = new Date();
    await this.client.insert({
      table: 'scope_versions',
      values: [
        {
          certificate_id: certificate.certificateId,
          effective_from: toClickHouseTime(effectiveFrom),
          processor_id: certificate.processorId,
          body: JSON.stringify(certificate),
          declared_at: toClickHouseTime(declaredAt),
        },
      ],
      format: 'JSONEachRow',
    });
    this.localWrites += 1;
    const version: ScopeVersion = { certificate, effectiveFrom, declaredAt };
    this.versions.set(certificate.certificateId, versionTimeline([...(this.versions.get(certificate.certificateId) ?? []), version]));
    this.instrumentList = undefined;
    return version;
  }

  async putProcessor(settings: ProcessorSettings): Promise<void> {
    await this.client.insert({
      table: 'processors',
      values: [
        {
          processor_id: settings.processorId,
          group_id: settings.groupId ?? '',
          count_exempt: settings.countExempt,
          cii_operator: settings.ciiOperator,
          updated_at: toClickHouseTime(new Date()),
        },
      ],
      format: 'JSONEachRow',
    });
    this.localWrites += 1;
    this.processors.set(settings.processorId, settings);
    this.members = undefined;
  }

  async putGroupEpoch(epoch: GroupEpoch): Promise<void> {
    await this.client.insert({
      table: 'group_epochs',
      values: [{ group_id: epoch.groupId, epoch: epoch.epoch, members: epoch.members }],
      format: 'JSONEachRow',
    });
    this.localWrites += 1;
    this.epochs.set(epoch.groupId, epoch);
  }

  /** An instrument of any kind as it stands: the last version of its timeline. */
  async instrument(id: string): Promise<Instrument | undefined> {
    await this.fresh();
    return this.versions.get(id)?.at(-1)?.certificate;
  }

  /** The certificate as it stands; undefined when `id` is not a certificate (or an instrument of another kind). */
  async certificate(id: string): Promise<Certificate | undefined> {
    const instrument = await this.instrument(id);
    return instrument && isCertificate(instrument) ? instrument : undefined;
  }

  /** Every version of an instrument (a certificate or another kind), in timeline order (empty: not declared). */
  async certificateVersions(id: string): Promise<ScopeVersion[]> {
    await this.fresh();
    return this.versions.get(id) ?? [];
  }

  /** Every instrument as it stands, by id; only those of `kind` and of `processorId` when given. */
  async listInstruments(filter: { kind?: InstrumentKind | undefined; processorId?: string | undefined } = {}): Promise<Instrument[]> {
    await this.fresh();
    this.instrumentList ??= [...this.versions.values()]
      .map((timeline) => timeline.at(-1)!.certificate)
      .sort((a, b) => a.certificateId.localeCompare(b.certificateId));
    return this.instrumentList.filter(
      (i) =>
        (filter.kind === undefined || instrumentKind(i) === filter.kind) &&
        (filter.processorId === undefined || i.processorId === filter.processorId),
    );
  }

  async listCertificates(): Promise<Certificate[]> {
    return (await this.listInstruments()).filter(isCertificate);
  }

  /** A processor's settings; one never declared gets the defaults (no group). */
  async processor(id: string): Promise<ProcessorSettings> {
    await this.fresh();
    return this.processors.get(id) ?? defaultProcessorSettings(id);
  }

  async declaredProcessor(id: string): Promise<ProcessorSettings | undefined> {
    await this.fresh();
    return this.processors.get(id);
  }

  /** The processors whose settings put them in the group: the one source of membership. */
  async groupMembers(groupId: string): Promise<string[]> {
    await this.fresh();
    return [...(this.membership().get(groupId) ?? [])];
  }

  /** Every group some processor belongs to. */
  async groups(): Promise<string[]> {
    await this.fresh();
    return [...this.membership().keys()].sort();
  }

  private membership(): Map<string, string[]> {
    if (this.members) return this.members;
    const members = new Map<string, string[]>();
    for (const p of this.processors.values()) {
      if (!p.groupId) continue;
      const list = members.get(p.groupId) ?? [];
      list.push(p.processorId);
      members.set(p.groupId, list);
    }
    for (const list of members.values()) list.sort();
    return (this.members = members);
  }

  /** The group's current epoch (epoch 0 with no recorded members when never rebuilt). */
  async groupEpoch(groupId: string): Promise<GroupEpoch> {
    await this.fresh();
    return this.epochs.get(groupId) ?? { groupId, epoch: 0, members: [] };
  }

  /** The scope id the group's people are counted under now. */
  async groupScopeId(groupId: string): Promise<string> {
    return groupCountingId(groupId, (await this.groupEpoch(groupId)).epoch);
  }

  /**
   * Reads every scope, processor and group epoch again. A snapshot read while a write of this
   * process landed may predate it and would undo it in memory until the next reload (a declaration
   * missing for up to `reloadMs`): such a snapshot is read again, at most three times, and then
   * dropped (the memory keeps the write; the next read reloads).
   */
  async reload(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const writesBefore = this.localWrites;
      // The memory is as old as the start of its read, not its end.
      const readAt = Date.now();
      const snapshot = await this.readSnapshot();
      if (this.localWrites === writesBefore) return this.apply(snapshot, readAt);
    }
  }

  private async readSnapshot() {
    const [legacy, versions, processors, epochs] = await Promise.all([
      // Scopes declared before versions existed: each is a first version, in force from the start.
      selectRows<{ body: string; updated_at: string }>(this.client, 'SELECT body, toString(updated_at) AS updated_at FROM certificates FINAL'),
      selectRows<VersionRow>(
        this.client,
        `SELECT certificate_id, toString(effective_from) AS effective_from, body, toString(declared_at) AS declared_at
         FROM scope_versions FINAL`,
      ),
      selectRows<{ processor_id: string; group_id: string; count_exempt: boolean; cii_operator: boolean }>(
        this.client,
        'SELECT processor_id, group_id, count_exempt, cii_operator FROM processors FINAL',
      ),
      selectRows<{ group_id: string; epoch: number; members: string[] }>(this.client, 'SELECT group_id, epoch, members FROM group_epochs FINAL'),
    ]);
    return { legacy, versions, processors, epochs };
  }

  private apply({ legacy, versions, processors, epochs }: Awaited<ReturnType<ScopeRegistry['readSnapshot']>>, readAt: number): void {
    const byId = new Map<string, ScopeVersion[]>();
    const add = (version: ScopeVersion) => {
      const id = version.certificate.certificateId;
      byId.set(id, [...(byId.get(id) ?? []), version]);
    };
    for (const row of legacy)
      add({ certificate: JSON.parse(row.body) as Instrument, effectiveFrom: new Date(0), declaredAt: fromClickHouseTime(row.updated_at) });
    for (const row of versions) {
      add({
        certificate: JSON.parse(row.body) as Instrument,
        effectiveFrom: fromClickHouseTime(row.effective_from),
        declaredAt: fromClickHouseTime(row.declared_at),
      });
    }
    this.versions = new Map([...byId].map(([id, list]) => [id, versionTimeline(list)]));
    this.processors = new Map(
      processors.map((row) => [
        row.processor_id,
        {
          processorId: row.processor_id,
          countExempt: Boolean(row.count_exempt),
          ciiOperator: Boolean(row.cii_operator),
          ...(row.group_id ? { groupId: row.group_id } : {}),
        },
      ]),
    );
    this.epochs = new Map(epochs.map((row) => [row.group_id, { groupId: row.group_id, epoch: Number(row.epoch), members: row.members }]));
    this.instrumentList = undefined;
    this.members = undefined;
    this.loadedAt = readAt;
  }

  /**
   * Memory half a period old is reloaded in the background while it still answers; only memory a
   * whole period old (or never loaded) makes a read wait for the reload. (Every read waiting once
   * `reloadMs` had passed made one request in each period pay a reload of every scope: at 2,000
   * certificates, the p99 of admission and `GET /usage`.)
   */
  private async fresh(): Promise<void> {
    const age = Date.now() - this.loadedAt;
    if (age < this.reloadMs / 2) return;
    this.loading ??= this.reload().finally(() => {
      this.loading = undefined;
    });
    if (age >= this.reloadMs) await this.loading;
    else this.loading.catch(() => {}); // a failed background reload is tried again by the next read
  }
}
