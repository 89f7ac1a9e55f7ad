import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import type { DailyUsageView } from "../../server/types";

const DAY = 86_400;

/** Each day's use of the daily limits, in % of each limit, oldest first; the table beside it has the same numbers. */
export function LimitsChart({ days }: { days: DailyUsageView[] }) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!target.current || days.length === 0) return;
    const oldestFirst = [...days].reverse();
    const percent = (ofLimit: (d: DailyUsageView) => number) => oldestFirst.map((d) => 100 * ofLimit(d));
    const plot = new uPlot(
      {
        width: Math.min(720, target.current.clientWidth || 720),
        height: 240,
        legend: { live: false },
        series: [
          {},
          { label: "Datanet bytes", stroke: "#0550ae", width: 2, points: { show: true } },
          { label: "Busiest contributor's files", stroke: "#bc4c00", width: 2, points: { show: true } },
          { label: "Busiest contributor's bytes", stroke: "#8250df", width: 2, points: { show: true } },
          { label: "Limit", stroke: "#6e7781", dash: [6, 4], points: { show: false } },
        ],
        axes: [{}, { label: "% of the daily limit" }],
        scales: {
          // A day either side: a single day would otherwise stretch the axis over years.
          x: { time: true, range: () => [oldestFirst[0].day - DAY, oldestFirst[oldestFirst.length - 1].day + DAY] },
          y: { range: (_, __, max) => [0, Math.max(110, max * 1.1)] },
        },
      },
      [
        oldestFirst.map((d) => d.day),
        percent((d) => d.datanetBytesOfLimit),
        percent((d) => d.busiestByFiles.ofLimit),
        percent((d) => d.busiestByBytes.ofLimit),
        oldestFirst.map(() => 100),
      ],
      target.current,
    );
    return () => plot.destroy();
  }, [days]);
  return (
    <div
      ref={target}
      class="chart"
      data-testid="limits-chart"
      role="img"
      aria-label="Daily use of the limits in % of each limit: the Datanet's bytes, the busiest contributor's files and bytes"
    />
  );
}
