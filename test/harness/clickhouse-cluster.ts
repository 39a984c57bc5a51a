// A ClickHouse cluster on loopback for tests: one embedded engine (libchdb.so) per shard, all
// sharing a `remote_servers` definition that names each other's native ports.
//
// What the embedded engine cannot do (measured on chdb 26.7, which runs clickhouse-local's server
// mode): it starts no distributed-DDL worker ("Replicated DDL queries are disabled" on ON CLUSTER)
// and never sets its interserver address, so Replicated*MergeTree tables stay read-only even with
// an in-process Keeper or ZooKeeper (the errors: docs/scale-out.md). The cluster here is therefore
// shards without replicas: plain *MergeTree local tables under Distributed tables, DDL run on each
// node by the caller.
import { startEmbeddedClickHouse, type EmbeddedClickHouse } from '@pi-egress/clickhouse-embedded';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, removeDir, tempDir } from './process.js';

export interface ClickHouseCluster {
  /** The cluster name of `remote_servers`. */
  name: string;
  nodes: EmbeddedClickHouse[];
  /** Runs one statement on every node (what ON CLUSTER would do), in `database` when given. */
  onEveryNode(query: string, database?: string): Promise<void>;
  /** Rows of a SELECT on one node, e.g. to look at a shard's local table. */
  select<T>(node: number, query: string): Promise<T[]>;
  stop(): Promise<void>;
}

function remoteServers(name: string, tcpPorts: number[]): string {
  const shards = tcpPorts
    .map((port) => `<shard><internal_replication>true</internal_replication><replica><host>127.0.0.1</host><port>${port}</port></replica></shard>`)
    .join('\n      ');
  return `<clickhouse>\n  <remote_servers>\n    <${name}>\n      ${shards}\n    </${name}>\n  </remote_servers>\n</clickhouse>\n`;
}

async function post(url: string, query: string, database?: string): Promise<string> {
  const response = await fetch(database ? `${url}/?database=${database}` : url, { method: 'POST', body: query });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: ${text}\nin: ${query}`);
  return text;
}

export async function startClickHouseCluster(options: { shards?: number; name?: string } = {}): Promise<ClickHouseCluster> {
  const name = options.name ?? 'pi_test_cluster';
  const dir = await tempDir('clickhouse-cluster');
  const ports = [];
  for (let shard = 0; shard < (options.shards ?? 2); shard++) ports.push({ http: await freePort(), tcp: await freePort() });
  const configFile = join(dir, 'cluster.xml');
  await writeFile(
    configFile,
    remoteServers(
      name,
      ports.map((port) => port.tcp),
    ),
  );
  const nodes: EmbeddedClickHouse[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    await removeDir(dir);
  };
  try {
    for (const [index, port] of ports.entries()) {
      const node = await startEmbeddedClickHouse({ dataDir: join(dir, `shard-${index + 1}`), httpPort: port.http, tcpPort: port.tcp, configFile });
      nodes.push(node);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name,
    nodes,
    async onEveryNode(query, database) {
      for (const node of nodes) await post(node.url, query, database);
    },
    async select<T>(node: number, query: string) {
      const text = await post(nodes[node]!.url, `${query} FORMAT JSONEachRow`);
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as T);
    },
    stop,
  };
}
