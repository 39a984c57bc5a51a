import type { ClickHouseClient } from '@clickhouse/client';
import { pendingCertificateScopeId } from '@pi-egress/domain';
import { groupCountingId, type GroupEpoch, type ScopeRegistry } from './scope-registry.js';
import type { TransferWriter } from './transfer-writer.js';

/** A group's people in a new epoch: its members' own people of every year, each once. */
const COPY_MEMBERS = `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
  SELECT 'group', {scopeId:String}, year, class, id_hash, min(first_seen) FROM subject_first_seen
  WHERE scope_level = 'processor' AND scope_id IN {members:Array(String)}
  GROUP BY year, class, id_hash`;

/** A processor's people held under a certificate not declared yet, onto the certificate. */
const COPY_PENDING = `INSERT INTO subject_first_seen (scope_level, scope_id, year, class, id_hash, first_seen)
  SELECT 'certificate', {scopeId:String}, year, class, id_hash, min(first_seen) FROM subject_first_seen
  WHERE scope_level = 'certificate' AND scope_id = {pending:String}
  GROUP BY year, class, id_hash`;

/**
 * Moves counted people between scopes when a declaration changes where they count, exactly and
 * without deleting anything: every row is copied with the earliest first-seen time, and the copy
 * runs between writes of this process (TransferWriter.exclusive), so no batch in flight is missed.
 * (Another process's writer sees the change within the registry's reload time: a declaration
 * made while another instance is writing the same scopes should be followed by a rebuild there;
 * see README "Groups".)
 */
export class ScopeRebuilds {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly scopes: ScopeRegistry,
    private readonly writer: TransferWriter,
  ) {}

  /**
   * Starts a new counting epoch of `groupId` with `members`: its total becomes the distinct people
   * of the members' own rows of every year, whenever each joined; the old epoch is left behind.
   */
  rebuildGroup(groupId: string, members: readonly string[]): Promise<GroupEpoch> {
    return this.writer.exclusive(async () => {
      const epoch: GroupEpoch = { groupId, epoch: (await this.scopes.groupEpoch(groupId)).epoch + 1, members: [...members].sort() };
      if (members.length > 0) {
        await this.client.command({ query: COPY_MEMBERS, query_params: { members: epoch.members, scopeId: groupCountingId(groupId, epoch.epoch) } });
      }
      await this.scopes.putGroupEpoch(epoch);
      return epoch;
    });
  }

  /** The people of a processor's transfers that cited the instrument `certificateId` (of that mechanism) before it was declared. */
  adoptPending(processorId: string, certificateId: string, mechanism = 'certification'): Promise<void> {
    return this.writer.exclusive(async () => {
      const pending = pendingCertificateScopeId(processorId, certificateId, mechanism);
      await this.client.command({ query: COPY_PENDING, query_params: { pending, scopeId: certificateId } });
    });
  }
}
