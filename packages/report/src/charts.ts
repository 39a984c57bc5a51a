import type { DataClass } from '@pi-egress/domain';
import type { TopLevelSpec } from 'vega-lite';
import type { ReportLabels } from './labels.js';

/** The report's charts: Vega-Lite specifications rendered to SVG in Node (no browser, no canvas). */

const FONT = '"Noto Sans CJK SC", "Noto Sans", sans-serif';
const CONFIG = { font: FONT, view: { stroke: null }, axis: { labelFontSize: 10, titleFontSize: 11 }, legend: { labelFontSize: 10 } } as const;
const CLASS_COLORS: Record<DataClass, string> = { nonSensitive: '#4c78a8', sensitive: '#e45756' };

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  // Loaded by the first chart, not at start-up: Vega and Vega-Lite add ~30 MB to the monitor's RSS
  // once loaded (memory-settings bench), and most monitors rarely render a report.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile({ ...spec, config: { ...CONFIG, ...spec.config } } as TopLevelSpec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface MonthCounts {
  month: string;
  nonSensitive: number;
  sensitive: number;
}

/** Cumulative distinct people of one class, month by month, against the cap and its alert levels. */
export function cumulativeSpec(
  months: readonly MonthCounts[],
  dataClass: DataClass,
  /** null: no cap declared (an assessment declaring none): no cap or level lines. */
  cap: number | null,
  levels: readonly number[],
  labels: ReportLabels,
  lastMonth: string,
): TopLevelSpec {
  let total = 0;
  const points = months.filter((m) => m.month <= lastMonth).map((m) => ({ month: m.month, people: (total += m[dataClass]) }));
  const lines = [
    ...(cap === null ? [] : [{ y: cap, label: `${labels.chart.cap} ${cap.toLocaleString('en-US')}`, dash: [] as number[] }]),
    ...(cap === null ? [] : levels.map((level) => ({ y: level * cap, label: labels.chart.level(Math.round(level * 100)), dash: [4, 3] }))),
  ];
  const top = Math.max(cap ?? 0, total) * 1.08 || 1;
  return {
    // The whole chart, axes included, in 320 × 230 px (its caption is the page's): two fit side by side on A4.
    autosize: { type: 'fit', contains: 'padding' },
    width: 320,
    height: 230,
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', point: { color: CLASS_COLORS[dataClass] }, color: CLASS_COLORS[dataClass] },
        encoding: {
          x: { field: 'month', type: 'ordinal', title: labels.chart.month, axis: { labelAngle: -45 }, scale: { domain: months.map((m) => m.month) } },
          y: { field: 'people', type: 'quantitative', title: labels.chart.cumulative, scale: { domain: [0, top] } },
        },
      },
      {
        data: { values: lines },
        mark: { type: 'rule', color: '#888' },
        encoding: { y: { field: 'y', type: 'quantitative' }, strokeDash: { field: 'dash', type: 'nominal', scale: null, legend: null } },
      },
      {
        data: { values: lines },
        mark: { type: 'text', align: 'left', dx: 4, dy: -5, fontSize: 9, color: '#555', x: 0 },
        encoding: { y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
}

/** New people per month, both classes side by side. */
export function monthlySpec(months: readonly MonthCounts[], labels: ReportLabels): TopLevelSpec {
  const values = months.flatMap((m) =>
    (['nonSensitive', 'sensitive'] as const).map((c) => ({ month: m.month, class: labels.classes[c], people: m[c] })),
  );
  return {
    width: 640,
    height: 160,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: labels.chart.month, axis: { labelAngle: -45 } },
      xOffset: { field: 'class', type: 'nominal' },
      y: { field: 'people', type: 'quantitative', title: labels.chart.newPeople },
      color: {
        field: 'class',
        type: 'nominal',
        title: null,
        scale: { domain: [labels.classes.nonSensitive, labels.classes.sensitive], range: [CLASS_COLORS.nonSensitive, CLASS_COLORS.sensitive] },
        legend: { orient: 'top', labelLimit: 0 },
      },
    },
  };
}

/** Subject records per value of one breakdown dimension (the largest 15), horizontal bars. */
export function breakdownSpec(rows: ReadonlyArray<{ value: string; subjectRecords: number }>, title: string, labels: ReportLabels): TopLevelSpec {
  const values = [...rows]
    .sort((a, b) => b.subjectRecords - a.subjectRecords)
    .slice(0, 15)
    .map((r) => ({ value: r.value || '—', subjectRecords: r.subjectRecords }));
  return {
    width: 260,
    height: { step: 16 },
    title: { text: title, fontSize: 12 },
    data: { values },
    mark: { type: 'bar', color: '#72b7b2' },
    encoding: {
      y: { field: 'value', type: 'nominal', sort: '-x', title: null },
      x: { field: 'subjectRecords', type: 'quantitative', title: labels.chart.subjectRecords },
    },
  };
}
