import { readFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import hre from "hardhat";
import {
  compareGas,
  coverageProblems,
  gasTable,
  matchesPattern,
  parseGasLimits,
  stateChangingFunctions,
} from "../../scripts/lib/gasGate";
import type { AbiFunction } from "../../scripts/lib/gasGate";
import { GAS_CONTRACTS, GAS_EXCLUSIONS } from "../gas/scenarios";

const ROOT = path.resolve(__dirname, "../..");

const README = `
## Gas

### Gas limits

Some text.

| scenarios                | limit   | measured |
| ------------------------ | ------: | -------: |
| \`Pool.claim / *\`         | 100,000 |   90,000 |
| \`Pool.claim / steady*\`   |  80,000 |   70,000 |

## Next
`;

describe("Gas gate", function () {
  describe("the README's limits", function () {
    it("reads each row's pattern and limit", function () {
      expect(parseGasLimits(README)).to.deep.equal([
        { pattern: "Pool.claim / *", limit: 100_000 },
        { pattern: "Pool.claim / steady*", limit: 80_000 },
      ]);
    });

    it("refuses a README without the heading, the table or a readable row", function () {
      expect(() => parseGasLimits("# Gas\n")).to.throw('no "Gas limits" heading');
      expect(() => parseGasLimits("### Gas limits\n\ntext\n\n## Next\n")).to.throw("No table");
      expect(() => parseGasLimits(README.replace("100,000", "a lot"))).to.throw("Unreadable");
      expect(() => parseGasLimits(README.replace("`Pool.claim / *`", "Pool.claim"))).to.throw("Unreadable");
    });

    it("reads the committed README, whose every limit matches a committed scenario", function () {
      const limits = parseGasLimits(readFileSync(path.join(ROOT, "README.md"), "utf8"));
      const snapshot = JSON.parse(readFileSync(path.join(ROOT, "snapshots", "gas.json"), "utf8"));
      expect(limits.length).to.be.greaterThan(10);
      expect(compareGas(snapshot, snapshot, limits).failures).to.deep.equal([]);
    });

    it("matches `*` as any text and everything else literally", function () {
      expect(matchesPattern("Pool.claim / *", "Pool.claim / first")).to.equal(true);
      expect(matchesPattern("Pool.claim*", "Pool.claimMany / first")).to.equal(true);
      expect(matchesPattern("Pool.claim / *", "Pool.claimMany / first")).to.equal(false);
      expect(matchesPattern("Pool.claim / (a)", "Pool.claim / (a)")).to.equal(true);
      expect(matchesPattern("Pool.claim / .", "Pool.claim / x")).to.equal(false);
    });
  });

  describe("the comparison", function () {
    const limits = [{ pattern: "Pool.claim / *", limit: 100_000 }];

    it("passes a figure exactly 1% above its snapshot and fails one more gas above", function () {
      expect(compareGas({ "Pool.claim / a": 50_000 }, { "Pool.claim / a": 50_500 }, limits).failures).to.deep.equal([]);
      expect(compareGas({ "Pool.claim / a": 50_000 }, { "Pool.claim / a": 50_501 }, limits).failures).to.deep.equal([
        "Pool.claim / a: grew more than 1%",
      ]);
    });

    it("passes a decrease and names it, so that gas:snapshot can record it", function () {
      const comparison = compareGas({ "Pool.claim / a": 50_000 }, { "Pool.claim / a": 40_000 }, limits);
      expect(comparison.failures).to.deep.equal([]);
      expect(comparison.decreased).to.deep.equal(["Pool.claim / a"]);
      expect(comparison.rows[0].changePercent).to.equal(-20);
    });

    it("fails a figure above its lowest matching limit, even when the snapshot has it", function () {
      const both = [...limits, { pattern: "Pool.claim / steady*", limit: 80_000 }];
      const comparison = compareGas({ "Pool.claim / steady": 90_000 }, { "Pool.claim / steady": 90_000 }, both);
      expect(comparison.rows[0].limit).to.equal(80_000);
      expect(comparison.failures).to.deep.equal(["Pool.claim / steady: above its limit of 80,000"]);
      expect(compareGas({ "Pool.claim / a": 100_000 }, { "Pool.claim / a": 100_000 }, limits).failures).to.deep.equal(
        [],
      );
    });

    it("fails a scenario missing from either side and a limit that matches no scenario", function () {
      const comparison = compareGas({ "Pool.claim / gone": 1_000 }, { "Pool.claim / new": 1_000 }, [
        ...limits,
        { pattern: "Pool.stake / *", limit: 1 },
      ]);
      expect(comparison.failures).to.deep.equal([
        "Pool.claim / gone: no longer measured",
        "Pool.claim / new: not in the snapshot",
        "The README's gas limit `Pool.stake / *` matches no scenario.",
      ]);
    });

    it("prints the changed, failing and limited rows as a table and leaves the others out", function () {
      const table = gasTable(
        compareGas(
          { "Pool.claim / a": 50_000, "Pool.stake / same": 1_000, "Pool.stake / less": 2_000 },
          { "Pool.claim / a": 60_000, "Pool.stake / same": 1_000, "Pool.stake / less": 1_500 },
          limits,
        ),
      );
      for (const text of ["scenario", "snapshot", "now", "change %", "limit", "Pool.claim / a", "+20.00", "100,000"]) {
        expect(table).to.contain(text);
      }
      expect(table).to.contain("grew more than 1%");
      expect(table).to.contain("-25.00");
      expect(table).to.contain("decreased");
      expect(table).to.not.contain("Pool.stake / same");
    });
  });

  describe("the scenarios' completeness", function () {
    const abi: AbiFunction[] = [
      { type: "function", name: "claim", stateMutability: "nonpayable", inputs: [] },
      { type: "function", name: "owed", stateMutability: "view", inputs: [] },
      { type: "function", name: "pay", stateMutability: "nonpayable", inputs: [{ type: "address" }] },
      {
        type: "function",
        name: "pay",
        stateMutability: "nonpayable",
        inputs: [{ type: "address" }, { type: "bytes" }],
      },
      { type: "event", name: "Paid" },
    ];

    it("names state-changing functions, by signature when overloaded", function () {
      expect(stateChangingFunctions(abi)).to.deep.equal(["claim", "pay(address)", "pay(address,bytes)"]);
    });

    it("reports a function with neither scenario nor exclusion, both, and names that are not functions", function () {
      expect(
        coverageProblems({ Pool: abi }, ["Pool.claim / first", "Pool.pay(address) / one", "Pool.stake / typo"], {
          "Pool.claim": "why",
          "Pool.unknown": "why",
        }),
      ).to.deep.equal([
        "Pool.claim has a scenario and an exclusion.",
        "Pool.pay(address,bytes) has no gas scenario and no exclusion.",
        "A scenario names Pool.stake, which is not a function.",
        "The exclusion Pool.unknown is not a function.",
      ]);
    });

    it("covers every state-changing function of the deployed contracts in the committed snapshot", async function () {
      const snapshot = JSON.parse(readFileSync(path.join(ROOT, "snapshots", "gas.json"), "utf8"));
      const abis: Record<string, AbiFunction[]> = {};
      for (const contract of GAS_CONTRACTS) abis[contract] = (await hre.artifacts.readArtifact(contract)).abi;
      expect(coverageProblems(abis, Object.keys(snapshot), GAS_EXCLUSIONS)).to.deep.equal([]);
      const keys = Object.keys(snapshot);
      expect(keys).to.deep.equal([...keys].sort());
    });
  });
});
