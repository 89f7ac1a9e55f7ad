import { expect } from "chai";
import { parseEther } from "ethers";
import { formatOpen } from "../../../sdk/src/report";
import { escapeHtml, formatCompact, formatNumber, formatPercent, shortHex } from "../../../sdk/src/report/format";

describe("The reports' formats", function () {
  describe("formatOpen", function () {
    it("writes thousands separators and cuts (does not round) to four decimals", function () {
      expect(formatOpen(parseEther("1234.56789"))).to.equal("1,234.5678 OPEN");
      expect(formatOpen(parseEther("1234.99999"))).to.equal("1,234.9999 OPEN");
      expect(formatOpen(parseEther("1000000"))).to.equal("1,000,000 OPEN");
    });

    it("drops trailing zeros and writes nothing as 0 OPEN", function () {
      expect(formatOpen(parseEther("12.5"))).to.equal("12.5 OPEN");
      expect(formatOpen(parseEther("7"))).to.equal("7 OPEN");
      expect(formatOpen(0n)).to.equal("0 OPEN");
    });

    it("writes a positive amount below 0.0001 OPEN as <0.0001 OPEN, so that it does not read as nothing", function () {
      expect(formatOpen(1n)).to.equal("<0.0001 OPEN");
      expect(formatOpen(10n ** 14n - 1n)).to.equal("<0.0001 OPEN");
      expect(formatOpen(10n ** 14n)).to.equal("0.0001 OPEN");
    });

    it("signs a negative amount, and not one that is cut to zero", function () {
      expect(formatOpen(-parseEther("1234.5"))).to.equal("-1,234.5 OPEN");
      expect(formatOpen(-1n)).to.equal("0 OPEN");
    });
  });

  it("formats numbers with fixed decimals and separators, whatever the locale", function () {
    expect(formatNumber(1234567.891)).to.equal("1,234,567.89");
    expect(formatNumber(-0.0341, 3)).to.equal("-0.034");
    expect(formatNumber(-0.0004, 3)).to.equal("0.000");
    expect(formatNumber(999, 0)).to.equal("999");
    expect(formatNumber(Number.NaN)).to.equal("n/a");
    expect(formatPercent(0.4567)).to.equal("45.7%");
  });

  it("writes tick labels with at most three significant digits and a unit", function () {
    expect([0, 0.05, 0.1, 950, 1000, 1500, 20_000, 1_000_000, 2.5e9].map(formatCompact)).to.deep.equal([
      "0",
      "0.05",
      "0.1",
      "950",
      "1k",
      "1.5k",
      "20k",
      "1M",
      "2.5G",
    ]);
  });

  it("escapes the five characters that can end HTML text or an attribute", function () {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).to.equal(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });

  it("shortens long hex values only", function () {
    expect(shortHex(`0x${"ab".repeat(32)}`)).to.equal("0xababab…abab");
    expect(shortHex("0x1234")).to.equal("0x1234");
    expect(shortHex("spam-001")).to.equal("spam-001");
  });
});
