/* The HTML reports: epochHtml (an epoch's rewards, data value and sample attributions) and benchHtml (the epoch
benchmark's curve), built from svg (the charts) and format (numbers and OPEN amounts). All pure: view in, HTML out. */
export type { EpochView } from "./epochHtml";
export { renderEpochHtml } from "./epochHtml";
export type { BenchGoal, BenchRow, BenchView } from "./benchHtml";
export { renderBenchHtml } from "./benchHtml";
export type {
  BarChartOptions,
  BarDatum,
  DivergingChartOptions,
  DivergingDatum,
  LineChartOptions,
  LinePoint,
  LineSeries,
  StackPart,
  StackedBarOptions,
} from "./svg";
export { CHART_COLORS, SERIES_COLORS, barChartSvg, divergingChartSvg, lineChartSvg, stackedBarSvg } from "./svg";
export { formatOpen } from "./format";
