import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { DataQuality } from "../../server/types";

/** Outcomes per day as stacked bars; the table under it carries the same numbers for screen readers. */
export function DailyChart({ daily }: { daily: DataQuality["daily"] }) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!target.current || daily.length === 0) return;
    const bars = uPlot.paths.bars!({ size: [0.6, 40] });
    // Stacked: each series is drawn as the running total up to it, the tallest first so the others sit on top.
    const accepted = daily.map((d) => d.accepted);
    const rejected = daily.map((d) => d.accepted + d.rejected);
    const expired = daily.map((d) => d.accepted + d.rejected + d.expired);
    const plot = new uPlot(
      {
        width: Math.min(720, target.current.clientWidth || 720),
        height: 240,
        legend: { live: false },
        series: [
          {},
          { label: "Expired", stroke: "#6e7781", fill: "#afb8c1", paths: bars },
          { label: "Rejected", stroke: "#cf222e", fill: "#ff8182", paths: bars },
          { label: "Accepted", stroke: "#1a7f37", fill: "#4ac26b", paths: bars },
        ],
        axes: [{}, { label: "contributions" }],
      },
      [daily.map((d) => d.day), expired, rejected, accepted],
      target.current,
    );
    return () => plot.destroy();
  }, [daily]);
  return <div ref={target} class="chart" role="img" aria-label="Outcomes per day: accepted, rejected and expired" />;
}
