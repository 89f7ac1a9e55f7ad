import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ContractRevertError, SettlementClient, TermsChangedError } from "../../sdk/src";
import { registeredModelFixture } from "../fixtures/models";
import { ORDINARY_FEES, expectMinedRevert, mineInOneBlock, outbid, pendingFrom } from "../helpers/blocks";
import type { TransactionResponse } from "ethers";

/*
 * Attack: a model owner watches the mempool, sees a gateway's settlement for 1,000 calls that the gateway quoted at
 * 10 OPEN, and front-runs it with setPrice, so that the settlement (mined right after, in the same block) would pull
 * 5,000 OPEN from a gateway that approved settlement generously. The payer's maxFee makes the settlement revert.
 */

const CALLS = 1_000n;
const QUOTED = ethers.parseEther("10");
/** The front-running price: 5 OPEN a call, 5,000 OPEN for the gateway's calls. */
const RAISED_PRICE = ethers.parseEther("5");
const RAISED_FEE = RAISED_PRICE * CALLS;
const LOG_ROOT = ethers.id("gateway batch 1");

/**
 * The deployed protocol with model 1 (0.01 OPEN a call, owned by `developer`) and a gateway that holds 10,000 OPEN and
 * approved settlement for all it has and more, as a busy gateway does.
 */
async function frontRunFixture() {
  const f = await registeredModelFixture();
  const gateway = f.signers[12];
  await f.open.connect(f.deployer).transfer(gateway.address, ethers.parseEther("10000"));
  await f.open.connect(gateway).approve(await f.settlement.getAddress(), ethers.MaxUint256);
  const client = await SettlementClient.connect(await f.settlement.getAddress(), gateway);
  return { ...f, gateway, client };
}

/** The model owner's price change, outbidding the gateway's pending transaction for a place ahead of it. */
function frontRun(f: Awaited<ReturnType<typeof frontRunFixture>>, victim: TransactionResponse) {
  return f.models.connect(f.developer).setPrice(f.modelId, RAISED_PRICE, { gasLimit: 100_000n, ...outbid(victim) });
}

describe("Security: front-running a settlement with a price change", function () {
  it("reverts the gateway's settlement with SettlementFeeAboveMax when setPrice lands just ahead of it in its block", async function () {
    const f = await loadFixture(frontRunFixture);
    const { settlement, models, open, gateway, client, modelId } = f;
    const quote = await client.quote(modelId, CALLS);
    expect(quote.fee).to.equal(QUOTED);
    const before = await open.balanceOf(gateway.address);

    const { queued, hashes } = await mineInOneBlock(async () => {
      const settle = await settlement
        .connect(gateway)
        .settle(modelId, CALLS, quote.fee, LOG_ROOT, "ipfs://gateway/batch-1.jsonl", {
          gasLimit: 500_000n,
          ...ORDINARY_FEES,
        });
      const setPrice = await frontRun(f, settle);
      return { settle, setPrice };
    });

    expect(hashes).to.deep.equal([queued.setPrice.hash, queued.settle.hash]);
    expect((await models.terms(modelId)).pricePerCall).to.equal(RAISED_PRICE);
    await expectMinedRevert(queued.settle, settlement.interface, "SettlementFeeAboveMax", [
      modelId,
      RAISED_FEE,
      QUOTED,
    ]);
    expect(await open.balanceOf(gateway.address)).to.equal(before);
    expect(await open.allowance(gateway.address, await settlement.getAddress())).to.equal(ethers.MaxUint256);
    expect((await settlement.epochLedger(1n)).settlements).to.equal(0n);
  });

  it("makes SettlementClient.settle, which sends the fee it quoted, throw TermsChangedError and pay nothing", async function () {
    const f = await loadFixture(frontRunFixture);
    const { settlement, open, gateway, client, modelId } = f;
    const before = await open.balanceOf(gateway.address);
    const nonce = await ethers.provider.getTransactionCount(gateway.address);

    const { queued, hashes } = await mineInOneBlock(async () => {
      // The client quotes, finds the allowance sufficient and sends; the owner front-runs what it sees pending.
      const settled = client
        .settle({ modelId, calls: CALLS, logRoot: LOG_ROOT, logURI: "ipfs://gateway/batch-1.jsonl" })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      const setPrice = await frontRun(f, await pendingFrom(gateway.address, nonce));
      return { settled, setPrice };
    });

    expect(hashes).to.have.length(2);
    expect(hashes[0]).to.equal(queued.setPrice.hash);
    expect((await ethers.provider.getTransaction(hashes[1]))!.from).to.equal(gateway.address);
    const error = await queued.settled;
    expect(error).to.be.instanceOf(TermsChangedError).and.instanceOf(ContractRevertError);
    const typed = error as TermsChangedError;
    expect(typed.errorName).to.equal("SettlementFeeAboveMax");
    expect(typed.args).to.deep.equal({ modelId, fee: RAISED_FEE, maxFee: QUOTED });
    expect(await open.balanceOf(gateway.address)).to.equal(before);
    expect((await settlement.epochLedger(1n)).settlements).to.equal(0n);
  });

  it("settles at the quoted fee when the price did not change", async function () {
    const { open, gateway, client, modelId } = await loadFixture(frontRunFixture);
    const before = await open.balanceOf(gateway.address);
    const settled = await client.settle({ modelId, calls: CALLS, logRoot: LOG_ROOT, logURI: "ipfs://batch-1" });
    expect(settled.fee).to.equal(QUOTED);
    expect(before - (await open.balanceOf(gateway.address))).to.equal(QUOTED);
  });
});
