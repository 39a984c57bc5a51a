// The benchmark table: one row per figure, each with the baseline measured in the same run.
import { writeFileSync } from 'node:fs';
import type { Machine } from './machine.js';

export interface Figure {
  figure: string;
  measured: string;
  baseline: string;
  /** measured ÷ baseline, or what the baseline comparison shows. */
  versus?: string;
  target?: string;
  /** Whether the target is met; undefined when the figure has no target. */
  met?: boolean;
}

export function markdownTable(figures: readonly Figure[]): string {
  const lines = ['| figure | measured | same-run baseline | vs baseline | target | met |', '| --- | --- | --- | --- | --- | --- |'];
  for (const f of figures) {
    const met = f.met === undefined ? '' : f.met ? 'yes' : '**no**';
    lines.push(`| ${f.figure} | ${f.measured} | ${f.baseline} | ${f.versus ?? ''} | ${f.target ?? ''} | ${met} |`);
  }
  return lines.join('\n');
}

export function machineSection(machine: Machine): string {
  return [
    `- CPU: ${machine.cpu} × ${machine.cores} cores`,
    `- RAM: ${machine.ramGiB.toFixed(1)} GiB`,
    `- OS: ${machine.os}`,
    `- Node.js ${machine.node}, ClickHouse engine ${machine.engine} (libchdb.so, embedded, loopback HTTP)`,
    `- Kafka: librdkafka ${machine.librdkafka} mock cluster (in-memory, loopback)`,
  ].join('\n');
}

export function benchmarksMarkdown(input: { figures: readonly Figure[]; notes: readonly string[]; machine: Machine; command: string; startedAt: Date; durationS: number }): string {
  return `# Benchmarks

Produced by \`${input.command}\` on ${input.startedAt.toISOString()} (${Math.round(input.durationS)} s in all).
Every figure is measured against a baseline in the same run, on the same engine.

${markdownTable(input.figures)}

## Machine
${machineSection(input.machine)}

## Notes
${input.notes.map((note) => `- ${note}`).join('\n')}
`;
}

export function writeBenchmarks(path: string, markdown: string): void {
  writeFileSync(path, markdown);
}
