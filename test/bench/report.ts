// The benchmark table: one row per figure, each with the baseline measured in the same run.
import { readFileSync, writeFileSync } from 'node:fs';
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

/** What each change bought, with its profile notes: kept by hand beside the harness (what-changed.md). */
function whatChanged(): string {
  return readFileSync(new URL('../../bench/what-changed.md', import.meta.url), 'utf8').trim();
}

export function benchmarksMarkdown(input: {
  figures: readonly Figure[];
  scaling: string;
  notes: readonly string[];
  machine: Machine;
  command: string;
  startedAt: Date;
  durationS: number;
}): string {
  return `# Benchmarks

Produced by \`${input.command}\` on ${input.startedAt.toISOString()} (${Math.round(input.durationS)} s in all).
Every figure is measured against a baseline in the same run, on the same engine.

${markdownTable(input.figures)}

## Scaling: usage reads as one processor-year grows
Same run, same monitor; the full exact count and the do-it-yourself design (a raw table and
\`uniqExact\` per query) are measured beside each size.

${input.scaling}

## What each change bought
${whatChanged()}

## Machine
${machineSection(input.machine)}

## Notes
${input.notes.map((note) => `- ${note}`).join('\n')}
`;
}

export function writeBenchmarks(path: string, markdown: string): void {
  writeFileSync(path, markdown);
}
