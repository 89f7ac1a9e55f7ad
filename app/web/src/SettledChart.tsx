import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ModelDetail } from "../../server/types";

const WEI_PER_OPEN = 1e18;

/** Settled calls per day as bars and their fees as a line (right axis, OPEN); the table under it has the numbers. */
export function SettledChart({ daily }: { daily: ModelDetail["daily"] }) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!target.current || daily.length === 0) return;
    const plot = new uPlot(
      {
        width: Math.min(720, target.current.clientWidth || 720),
        height: 240,
        legend: { live: false },
        scales: { calls: {}, fees: {} },
        series: [
          {},
          {
            label: "Calls",
            scale: "calls",
            stroke: "#0550ae",
            fill: "#80ccff",
            paths: uPlot.paths.bars!({ size: [0.6, 40] }),
          },
          { label: "Fees (OPEN)", scale: "fees", stroke: "#953800", width: 2, points: { show: true, size: 7 } },
        ],
        axes: [
          {},
          { scale: "calls", label: "calls" },
          { scale: "fees", label: "OPEN", side: 1, grid: { show: false } },
        ],
      },
      [daily.map((d) => d.day), daily.map((d) => Number(d.calls)), daily.map((d) => Number(d.fees) / WEI_PER_OPEN)],
      target.current,
    );
    return () => plot.destroy();
  }, [daily]);
  return <div ref={target} class="chart" role="img" aria-label="Settled calls and fees per day" />;
}
