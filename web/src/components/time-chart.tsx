/**
 * uPlot line chart over time. uPlot draws to canvas and is ~50 KB, which keeps the latency and
 * burn-down charts cheap even with a day of minute points. Colours come from the theme's CSS
 * variables so the chart follows light and dark.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** A CSS variable name (`--chart-1`) or a colour. */
  color: string;
  values: Array<number | null>;
  dash?: number[];
}

export interface TimeChartProps {
  /** Unix seconds, ascending. */
  times: number[];
  series: ChartSeries[];
  height?: number;
  yLabel: string;
  formatY?: (value: number) => string;
  yRange?: [number, number];
  /** Unix seconds; without it uPlot fits the data, which stretches a single point over years. */
  xRange?: [number, number];
  title: string;
}

const cssColor = (color: string): string => (color.startsWith('--') ? getComputedStyle(document.documentElement).getPropertyValue(color).trim() || '#888' : color);

export function TimeChart(props: TimeChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const { times, series, height = 220, yLabel, formatY, yRange, xRange, title } = props;

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const axisColor = cssColor('--muted');
    const gridColor = cssColor('--border');
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: xRange ? { time: true, range: xRange } : { time: true }, y: yRange ? { range: yRange } : { auto: true } },
      axes: [
        { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } },
        { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor }, label: yLabel, size: 60, values: (_u, splits) => splits.map((value) => (formatY ? formatY(value) : String(value))) },
      ],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: cssColor(s.color), width: 1.5, dash: s.dash, spanGaps: false, value: (_u: uPlot, value: number | null) => (value === null ? '–' : formatY ? formatY(value) : String(value)) }))],
    };
    const data: uPlot.AlignedData = [times, ...series.map((s) => s.values)];
    const plot = new uPlot(options, data, element);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(200, element.clientWidth), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [times, series, height, yLabel, formatY, yRange, xRange]);

  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={holder} role="img" aria-label={title} />
    </figure>
  );
}
