import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { SettlementClient } from "../../sdk/src";
import { PRICE, modelSpec, registeredModelFixture } from "../fixtures/models";
import { FRONT_RUN_FEES, ORDINARY_FEES, mineInOneBlock } from "../helpers/blocks";

/*
 * Attack: a model owner prices its own model at 1 wei a call and settles the most calls one settlement takes,
 * 2^64 − 1 (about 18.4 OPEN, most of which comes back to it as model owner, staker or contributor), several times an
 * epoch. With a 64-bit call counter per epoch every later settlement of every model reverted with an overflow panic
 * until the epoch ended. The counters are now wide enough that no payer can reach their bounds.
 */

const MAX_CALLS = 2n ** 64n - 1n;
/** How many maximal settlements the attacker makes per epoch. */
const ATTACKS = 4n;

/**
 * The deployed protocol with the honest model 1 (0.01 OPEN a call, owned by `developer`) and the attacker's model 2,
 * registered on the same open Datanet version at 1 wei a call with its revenue to the attacker. The attacker holds
 * 200 OPEN; the gateway (model 1's customer) and `buyer` (a customer of model 2) hold 1,000 OPEN each; all three
 * approved settlement.
 */
async function overflowFixture() {
  const f = await registeredModelFixture();
  const [gateway, attacker] = f.signers.slice(12, 14);
  await f.models.connect(attacker).registerModel("ipfs://one-wei-model", modelSpec(), 1n, attacker.address);
  const settlementAddress = await f.settlement.getAddress();
  for (const [account, amount] of [
    [attacker, ethers.parseEther("200")],
    [gateway, ethers.parseEther("1000")],
    [f.buyer, ethers.parseEther("1000")],
  ] as const) {
    await f.open.connect(f.deployer).transfer(account.address, amount);
    await f.open.connect(account).approve(settlementAddress, ethers.MaxUint256);
  }
  const client = await SettlementClient.connect(settlementAddress, gateway);
  return { ...f, gateway, attacker, client, honestModel: f.modelId, attackerModel: 2n };
}

describe("Security: blocking an epoch's settlements by overflowing its ledger", function () {
  it("lets every other payer and model settle after maximal 1-wei settlements, in the same block and later, every epoch", async function () {
    const f = await loadFixture(overflowFixture);
    const { settlement, clock, gateway, attacker, buyer, client, honestModel, attackerModel } = f;
    let batch = 0;
    const logRoot = () => ethers.id(`batch ${++batch}`);

    for (const epoch of [1n, 2n]) {
      if (epoch > 1n) await time.increaseTo(await clock.epochStart(epoch));
      // The attacker's first maximal settlement and the gateway's, in one block, the attacker's first.
      const { queued, hashes } = await mineInOneBlock(async () => {
        const attack = await settlement
          .connect(attacker)
          .settle(attackerModel, MAX_CALLS, MAX_CALLS, logRoot(), "ipfs://attack", {
            gasLimit: 500_000n,
            ...FRONT_RUN_FEES,
          });
        const honest = await settlement
          .connect(gateway)
          .settle(honestModel, 1_000n, PRICE * 1_000n, logRoot(), "ipfs://honest", {
            gasLimit: 500_000n,
            ...ORDINARY_FEES,
          });
        return { attack, honest };
      });
      expect(hashes).to.deep.equal([queued.attack.hash, queued.honest.hash]);
      for (const tx of [queued.attack, queued.honest]) {
        expect((await ethers.provider.getTransactionReceipt(tx.hash))!.status).to.equal(1);
      }

      // The rest of the attack, then customers of both models.
      for (let i = 1n; i < ATTACKS; i++) {
        await settlement.connect(attacker).settle(attackerModel, MAX_CALLS, MAX_CALLS, logRoot(), "ipfs://attack");
      }
      await expect(settlement.connect(buyer).settle(attackerModel, 5n, 5n, logRoot(), "ipfs://buyer")).to.emit(
        settlement,
        "InferenceSettled",
      );
      const settled = await client.settle({ modelId: honestModel, calls: 7n, logRoot: logRoot(), logURI: "ipfs://7" });
      expect(settled.epoch).to.equal(epoch);

      // The totals are exact, past 2^64, and the ledger is reproduced from the settlement events.
      const ledger = await client.ledger(epoch);
      expect(ledger.calls).to.equal(ATTACKS * MAX_CALLS + 1_000n + 5n + 7n);
      expect(ledger.calls).to.be.greaterThan(2n ** 64n);
      expect(ledger.settlements).to.equal(ATTACKS + 3n);
      expect(ledger.fees).to.equal(ATTACKS * MAX_CALLS + PRICE * 1_000n + 5n + PRICE * 7n);
      expect((await client.verifyLedger(epoch)).valid).to.equal(true);
    }
  });
});
