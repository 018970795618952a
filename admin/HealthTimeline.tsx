import { makeStyles, tokens } from '@fluentui/react-components';
import { lazy, Suspense, useId, type ReactElement } from 'react';
import type { HealthSample } from '../src/contract/forced-tls';
import { timeByState, timelineSegments } from './health-timeline';
import { useLocalised } from './language';

// The chart (d3 and Fluent's charts) comes in its own chunk. `as string`: see addin/taskpane/PaneViews.tsx.
type ChartModule = typeof import('./HealthChart.js');
const HealthChart = lazy(
  () =>
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- it hides the path from tsc
    import('./HealthChart' as string) as Promise<ChartModule>,
);

const useStyles = makeStyles({
  figure: { margin: 0, minWidth: 0 },
  caption: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
});

const WINDOW_MS = 90 * 86_400_000;

/**
 * A domain's last 90 days as a small chart, named and summarised in words beside it (for a screen reader
 * and for whoever cannot tell the colours apart): "Delivered: 88 days; At risk: 2 days".
 */
export function HealthTimeline({
  domain,
  history,
  endAt,
}: {
  domain: string;
  history: readonly HealthSample[];
  endAt: string | null;
}): ReactElement {
  const styles = useStyles();
  const { s } = useLocalised();
  const captionId = useId();
  // The 90 days up to the latest check: the state it saw lasts until then.
  const end = endAt ? Date.parse(endAt) : Date.now();
  const segments = timelineSegments(history, end);
  if (segments.length === 0) return <p className={styles.caption}>{s.tls.noHistory}</p>;
  const iso = (ms: number): string => new Date(ms).toISOString();
  return (
    <figure className={styles.figure} aria-labelledby={captionId} data-timeline={domain}>
      <Suspense fallback={null}>
        <HealthChart
          segments={segments}
          from={end - WINDOW_MS}
          to={end}
          labels={s.tls.states}
          title={s.tls.timeline(domain)}
          describe={(segment) =>
            `${s.tls.states[segment.state]}, ${s.dateTime(iso(segment.start))} – ${s.dateTime(iso(segment.end))}`
          }
          tick={(ms) => s.tls.day(iso(ms))}
        />
      </Suspense>
      <figcaption id={captionId} className={styles.caption}>
        {s.tls.timeline(domain)}: {s.tls.timelineSummary(timeByState(segments))}
      </figcaption>
    </figure>
  );
}
