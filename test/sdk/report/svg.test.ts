import { expect } from "chai";
import { CHART_COLORS, barChartSvg, divergingChartSvg, lineChartSvg, stackedBarSvg } from "../../../sdk/src/report";

const count = (svg: string, pattern: RegExp) => (svg.match(new RegExp(pattern, "g")) ?? []).length;

/** The `width` of each `<rect>` that draws a mark (legend swatches are 12 wide and left out). */
const rectWidths = (svg: string) =>
  [...svg.matchAll(/<rect [^>]*width="([\d.]+)" height="(?!12")/g)].map((m) => Number(m[1]));

describe("The SVG charts", function () {
  describe("barChartSvg", function () {
    const bars = [
      { label: "alice", value: 300, valueLabel: "300 OPEN" },
      { label: "bob", value: 150, valueLabel: "150 OPEN" },
      { label: "<b>mallory</b>", value: 0 },
    ];

    it("is an image with a title and a titled group per bar", function () {
      const svg = barChartSvg(bars, { title: "Rewards & more" });
      expect(svg).to.match(
        /^<svg [^>]*role="img" aria-label="Rewards &amp; more"[^>]*><title>Rewards &amp; more<\/title>/,
      );
      expect(count(svg, /<g class="bar">/)).to.equal(3);
      expect(svg).to.contain("<title>alice: 300 OPEN</title>");
      expect(svg).to.contain("<title>&lt;b&gt;mallory&lt;/b&gt;: 0.00</title>");
      expect(svg).to.not.contain("<b>");
    });

    it("draws bars in proportion to their values and an empty bar for zero", function () {
      const [alice, bob, mallory] = rectWidths(barChartSvg(bars, { title: "t" }));
      expect(bob / alice).to.be.closeTo(0.5, 0.01);
      expect(mallory).to.equal(0);
    });

    it("takes a colour and a class per bar", function () {
      const svg = barChartSvg([{ label: "a", value: 1, color: "#123456", className: "mine" }], { title: "t" });
      expect(svg).to.contain('fill="#123456"').and.to.contain('<g class="bar mine">');
    });

    it("says so when there is nothing to show", function () {
      expect(barChartSvg([], { title: "t" })).to.contain("Nothing to show");
    });
  });

  describe("divergingChartSvg", function () {
    const data = [
      { label: "a", value: -0.06, status: "harmful" as const },
      { label: "b", value: -0.005, status: "low" as const },
      { label: "c", value: 0.02, status: "ok" as const },
      { label: "d", value: 0.03 },
    ];
    const svg = divergingChartSvg(data, { title: "Data value", threshold: -0.02 });

    it("colours positive, negative and harmful columns apart and marks the harmful ones", function () {
      expect(count(svg, new RegExp(`<rect [^>]*fill="${CHART_COLORS.positive}"`))).to.equal(2 + 1); // + legend
      expect(count(svg, new RegExp(`<rect [^>]*fill="${CHART_COLORS.negative}"`))).to.equal(1 + 1);
      expect(count(svg, new RegExp(`<rect [^>]*fill="${CHART_COLORS.harmful}"`))).to.equal(1 + 1);
      expect(count(svg, /<g class="bar harmful">/)).to.equal(1);
      expect(count(svg, /<circle /)).to.equal(1);
    });

    it("draws the threshold as a dashed line with its value", function () {
      expect(svg).to.match(/<g class="threshold"><title>Harmful below -0.020<\/title><line [^>]*stroke-dasharray/);
      expect(svg).to.contain(">threshold -0.020</text>");
    });

    it("puts negative columns below the zero line and positive ones above it", function () {
      const zero = Number(svg.match(/<line x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)" y2="\1" stroke="#475569"\/>/)![1]);
      const rects = [
        ...svg.matchAll(/<g class="bar[^"]*"><title>[^<]*<\/title><rect [^>]*y="([\d.]+)" [^>]*height="([\d.]+)"/g),
      ];
      const [a, , c] = rects.map((m) => [Number(m[1]), Number(m[1]) + Number(m[2])]);
      expect(a[0]).to.be.closeTo(zero, 0.1);
      expect(c[1]).to.be.closeTo(zero, 0.1);
    });

    it("keeps its width for hundreds of columns", function () {
      const many = Array.from({ length: 500 }, (_, i) => ({ label: `c${i}`, value: (i - 250) / 1000 }));
      const wide = divergingChartSvg(many, { title: "t", width: 720 });
      expect(wide).to.contain('viewBox="0 0 720 240"');
      expect(count(wide, /<g class="bar/)).to.equal(500);
    });
  });

  describe("lineChartSvg", function () {
    const series = [
      {
        name: "1 worker",
        points: [
          { x: 10_000, y: 0.5 },
          { x: 1_000, y: 0.05 },
          { x: 100_000, y: 5 },
        ],
      },
      {
        name: "2 workers",
        points: [
          { x: 1_000, y: 0.03 },
          { x: 100_000, y: 3 },
          { x: 0, y: 1 },
        ],
      },
      {
        name: "linear",
        dashed: true,
        points: [
          { x: 1_000, y: 0.05 },
          { x: 100_000, y: 5 },
        ],
      },
    ];
    const svg = lineChartSvg(series, { title: "Time", xLabel: "records", yLabel: "seconds", log: true });

    it("ticks log axes at powers of ten, with 2 and 5 between them over two decades", function () {
      const labels = [...svg.matchAll(/<text [^>]*text-anchor="middle" fill="#475569">([^<]+)<\/text>/g)].map(
        (m) => m[1],
      );
      expect(labels).to.include.members(["1k", "2k", "5k", "10k", "100k", "records"]);
      expect(svg).to.contain(">0.01</text>").and.to.contain(">10</text>");
    });

    it("draws a path per series through its points in x order, points for the measured ones, none at x = 0", function () {
      const paths = [...svg.matchAll(/<g class="series"><title>([^<]+)<\/title><path d="([^"]+)"/g)];
      expect(paths.map((m) => m[1])).to.deep.equal(["1 worker", "2 workers", "linear"]);
      const xs = paths[0][2].match(/[ML]([\d.]+)/g)!.map((p) => Number(p.slice(1)));
      expect(xs).to.deep.equal([...xs].sort((a, b) => a - b));
      expect(count(svg, /<circle /)).to.equal(3 + 2);
      expect(svg).to.match(/<title>linear<\/title><path [^>]*stroke-dasharray/);
    });

    it("draws a straight line for y proportional to x on log–log axes", function () {
      const d = svg.match(/<title>1 worker<\/title><path d="([^"]+)"/)![1];
      const [p0, p1, p2] = d.match(/[\d.]+ [\d.]+/g)!.map((p) => p.split(" ").map(Number));
      const slope = (a: number[], b: number[]) => (b[1] - a[1]) / (b[0] - a[0]);
      expect(slope(p0, p1)).to.be.closeTo(slope(p1, p2), 0.01);
    });

    it("starts a linear y axis at zero", function () {
      const linear = lineChartSvg(
        [
          {
            name: "s",
            points: [
              { x: 1, y: 5 },
              { x: 2, y: 7 },
            ],
          },
        ],
        {
          title: "t",
          xLabel: "x",
          yLabel: "y",
        },
      );
      expect(linear).to.match(/text-anchor="end" fill="#475569">0<\/text>/);
    });
  });

  describe("stackedBarSvg", function () {
    it("splits the width in proportion and labels each part with its share", function () {
      const svg = stackedBarSvg(
        [
          { label: "generator", value: 3, valueLabel: "3 OPEN" },
          { label: "classifier", value: 1, valueLabel: "1 OPEN" },
        ],
        { title: "Per model", width: 400 },
      );
      const widths = [...svg.matchAll(/<rect x="[\d.]+" y="0" width="([\d.]+)"/g)].map((m) => Number(m[1]));
      expect(widths).to.deep.equal([300, 100]);
      expect(svg).to.contain("<title>generator: 3 OPEN (75.0%)</title>");
      expect(svg).to.contain(">3 OPEN · 75.0%</text>");
    });

    it("says so when the parts sum to nothing", function () {
      expect(stackedBarSvg([{ label: "a", value: 0 }], { title: "t" })).to.contain("Nothing to show");
    });
  });

  it("gives the same bytes for the same data", function () {
    const make = () =>
      divergingChartSvg(
        Array.from({ length: 20 }, (_, i) => ({ label: `c${i}`, value: Math.sin(i) / 10 })),
        { title: "t", threshold: -0.05 },
      );
    expect(make()).to.equal(make());
  });
});
