import { GanttChart, type GanttChartDataPoint } from '@fluentui/react-charts';
import { makeStyles, mergeClasses, webLightTheme } from '@fluentui/react-components';
import type { ReactElement } from 'react';
import { DELIVERY_STATES, type DeliveryState } from '../src/core/delivery';
import type { Segment } from './health-timeline';

/**
 * The 90-day timeline drawn with Fluent's charts (a Gantt chart: one row per state that occurred, a bar
 * per period in it), in its own chunk so the console loads without d3 until a timeline is shown. The rows
 * carry the state's word, so colour is never the only cue; the figure around it names and summarises it.
 */

// The charts compute contrast from the colour, so it is a value, not a CSS variable.
const COLOURS: Record<DeliveryState, string> = {
  ok: webLightTheme.colorStatusSuccessBackground3,
  'at-risk': webLightTheme.colorStatusWarningBackground3,
  failing: webLightTheme.colorStatusDangerBackground3,
};
const ROW_PX = 30;
const AXIS_PX = 40;
// A period of minutes would be narrower than a pixel across 90 days: each is drawn at least this share.
const MIN_SHARE = 0.006;

// The chart takes its parent's size: a row per state that occurred, and the axis.
const useStyles = makeStyles({
  box: { maxWidth: '640px' },
  rows1: { height: `${AXIS_PX + ROW_PX}px` },
  rows2: { height: `${AXIS_PX + 2 * ROW_PX}px` },
  rows3: { height: `${AXIS_PX + 3 * ROW_PX}px` },
});

export interface HealthChartProps {
  segments: readonly Segment[];
  /** The window shown, ms: the last 90 days. */
  from: number;
  to: number;
  labels: Readonly<Record<DeliveryState, string>>;
  /** The svg's accessible name, unique on the page. */
  title: string;
  /** A period in words for its bar's label and tooltip: "Not delivered, 1 Dec 12:00 – 3 Dec 09:00". */
  describe: (segment: Segment) => string;
  /** An axis tick: a day. */
  tick: (ms: number) => string;
}

export default function HealthChart({
  segments,
  from,
  to,
  labels,
  title,
  describe,
  tick,
}: HealthChartProps): ReactElement {
  const styles = useStyles();
  const minimum = (to - from) * MIN_SHARE;
  const data: GanttChartDataPoint[] = segments.map((segment) => {
    const start = Math.max(from, segment.start);
    const text = describe(segment);
    return {
      x: { start, end: Math.min(to, Math.max(segment.end, start + minimum)) },
      y: labels[segment.state],
      legend: labels[segment.state],
      color: COLOURS[segment.state],
      xAxisCalloutData: text,
      callOutAccessibilityData: { ariaLabel: text },
    };
  });
  // Problems on top, in the order used everywhere in the tab.
  const rows = [...DELIVERY_STATES]
    .reverse()
    .filter((state) => segments.some((segment) => segment.state === state))
    .map((state) => labels[state]);
  const month = (to - from) / 3;
  return (
    <div className={mergeClasses(styles.box, [styles.rows1, styles.rows2, styles.rows3][rows.length - 1])}>
      <GanttChart
        data={data}
        hideLegend
        maxBarHeight={14}
        xMinValue={from}
        xMaxValue={to}
        tickValues={[from, from + month, from + 2 * month, to]}
        tickFormat={(value) => tick(Number(value))}
        yAxisCategoryOrder={rows}
        margins={{ top: 4, bottom: 28, left: 110, right: 24 }}
        svgProps={{ 'aria-label': title }}
      />
    </div>
  );
}
