// What the benchmark ran on: printed with the figures so they can be compared across machines.
import { spawnSync } from 'node:child_process';
import { cpus, release, totalmem, type } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  engine: string;
  librdkafka: string;
}

function debianVersion(pkg: string): string {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout ? result.stdout : 'unknown';
}

export function describeMachine(engineVersion: string): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGiB: totalmem() / 1024 ** 3,
    os: `${type()} ${release()}`,
    node: process.version,
    engine: engineVersion,
    librdkafka: debianVersion('librdkafka-dev'),
  };
}
