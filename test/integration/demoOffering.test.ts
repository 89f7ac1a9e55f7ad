import { expect } from "chai";
import { ethers } from "hardhat";
import { IModelShares__factory } from "../../typechain-types";
import { finishDemo, runDemo } from "../../scripts/demo";
import { runOfferingDemo } from "../../scripts/demoOffering";

describe("npm run demo:offering (the demo's chain, then its spam classifier's offering)", function () {
  this.timeout(600_000);

  it("prints each holder's revenue as the share token holds it, adding up to what it received but for rounding", async function () {
    const run = await runDemo();
    try {
      const result = await runOfferingDemo(run);
      const vault = IModelShares__factory.connect(result.shares, ethers.provider);
      for (const holder of result.holders) {
        expect(await vault.accruedRevenue(holder.account), holder.name).to.equal(holder.accrued);
      }
      const claimed = result.holders.reduce((n, h) => n + h.claimed, 0n);
      const accrued = result.holders.reduce((n, h) => n + h.accrued, 0n);
      expect(await vault.revenuePaid()).to.equal(claimed);
      expect(await vault.revenueReceived()).to.equal(result.received);
      expect(result.received - claimed - accrued - result.carried).to.equal(result.dust);
      expect(result.dust >= 0n && result.dust < 1_000n).to.equal(true);
      expect(result.received).to.be.greaterThan(0n);
    } finally {
      await finishDemo(run);
    }
  });
});
