import type { ClickHouseClient } from '@clickhouse/client';
import type { Certificate, ProcessorSettings } from '@pi-egress/domain';
import { selectRows } from './client.js';
import { toClickHouseTime } from './scope.js';

/**
 * Declared scopes and processor settings. Reads are served from memory (ingest looks them up for
 * every event) and reloaded from the store at most every `reloadMs`, so a scope declared through
 * another instance is seen within that time; writes here update the memory at once.
 */
export class ScopeRegistry {
  private certificates = new Map<string, Certificate>();
  private processors = new Map<string, ProcessorSettings>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly reloadMs = 5_000,
  ) {}

  async putCertificate(certificate: Certificate): Promise<void> {
    await this.client.insert({
      table: 'certificates',
      values: [
        {
          certificate_id: certificate.certificateId,
          processor_id: certificate.processorId,
          group_id: certificate.groupId ?? '',
          body: JSON.stringify(certificate),
          updated_at: toClickHouseTime(new Date()),
        },
      ],
      format: 'JSONEachRow',
    });
    this.certificates.set(certificate.certificateId, certificate);
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
    this.processors.set(settings.processorId, settings);
  }

  async certificate(id: string): Promise<Certificate | undefined> {
    await this.fresh();
    return this.certificates.get(id);
  }

  async listCertificates(): Promise<Certificate[]> {
    await this.fresh();
    return [...this.certificates.values()].sort((a, b) => a.certificateId.localeCompare(b.certificateId));
  }

  /** A processor's settings; a processor never declared gets the defaults, with its certificate's group. */
  async processor(id: string): Promise<ProcessorSettings> {
    await this.fresh();
    const declared = this.processors.get(id);
    if (declared) return declared;
    const groupId = [...this.certificates.values()].find((c) => c.processorId === id && c.groupId)?.groupId;
    return { processorId: id, countExempt: false, ciiOperator: false, ...(groupId ? { groupId } : {}) };
  }

  /** Every processor known to belong to a group, through its settings or a certificate. */
  async groupMembers(groupId: string): Promise<string[]> {
    await this.fresh();
    const members = new Set<string>();
    for (const p of this.processors.values()) if (p.groupId === groupId) members.add(p.processorId);
    for (const c of this.certificates.values()) {
      if (c.groupId === groupId && !this.processors.has(c.processorId)) members.add(c.processorId);
    }
    return [...members].sort();
  }

  async reload(): Promise<void> {
    const [certificates, processors] = await Promise.all([
      selectRows<{ body: string }>(this.client, 'SELECT body FROM certificates FINAL'),
      selectRows<{ processor_id: string; group_id: string; count_exempt: boolean; cii_operator: boolean }>(
        this.client,
        'SELECT processor_id, group_id, count_exempt, cii_operator FROM processors FINAL',
      ),
    ]);
    this.certificates = new Map(
      certificates.map(({ body }) => {
        const certificate = JSON.parse(body) as Certificate;
        return [certificate.certificateId, certificate];
      }),
    );
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
    this.loadedAt = Date.now();
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt < this.reloadMs) return;
    this.loading ??= this.reload().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }
}
