import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { PRICE, modelSpec, modelsFixture } from "../fixtures/models";
import { gasOf, gasTable } from "../helpers/gas";

/** Settlement reads a model's terms on every settle: one cold slot and the call's own overhead. */
const TERMS_GOAL = 5_000n;
/**
 * Regression guards a little above the measured figures. A version costs four new slots (scalars with the first two
 * Datanet versions, three hashes) plus one per two further Datanet versions; a registration adds the ERC-721 mint,
 * the URI (three slots for the 79-byte one used here), the terms and the version count.
 */
const REGISTER_GOAL = 310_000n;
const REGISTER_4_GOAL = 360_000n;
const ADD_VERSION_GOAL = 140_000n;
const SET_PRICE_GOAL = 31_000n;

/** Intrinsic gas of a transaction with `data`: the 21,000 base plus 4 per zero byte and 16 per other byte. */
function intrinsicGas(data: string): bigint {
  let gas = 21_000n;
  for (const byte of ethers.getBytes(data)) gas += byte === 0 ? 4n : 16n;
  return gas;
}

describe("ModelRegistry gas", function () {
  const measured = gasTable();

  async function scenario() {
    const f = await loadFixture(modelsFixture);
    const { models, developer, recipient, publishedDatanet } = f;
    const trainedOn = [{ datanetId: 1n, version: 2n }];
    for (let i = 0; i < 3; i++) trainedOn.push({ datanetId: await publishedDatanet(), version: 1n });
    const register = (sets: number) =>
      gasOf(
        models
          .connect(developer)
          .registerModel(
            "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/model.json",
            modelSpec({ trainedOn: trainedOn.slice(0, sets) }),
            PRICE,
            recipient.address,
          ),
      );
    return { ...f, trainedOn, register };
  }

  it("keeps registerModel, addModelVersion and setPrice within their guards, with 1 and 4 training sets", async function () {
    const { models, developer, trainedOn, register } = await scenario();
    measured.push(["registerModel, 1 training set: first model", await register(1)]);
    const registerOne = await register(1);
    measured.push(["registerModel, 1 training set", registerOne]);
    const registerFour = await register(4);
    measured.push(["registerModel, 4 training sets", registerFour]);
    const add = (sets: number) =>
      gasOf(models.connect(developer).addModelVersion(1n, modelSpec({ trainedOn: trainedOn.slice(0, sets) })));
    const addOne = await add(1);
    measured.push(["addModelVersion, 1 training set", addOne]);
    measured.push(["addModelVersion, 4 training sets", await add(4)]);
    const setPrice = await gasOf(models.connect(developer).setPrice(1n, PRICE * 2n));
    measured.push(["setPrice", setPrice]);
    expect(registerOne).to.be.lessThanOrEqual(REGISTER_GOAL);
    expect(registerFour).to.be.lessThanOrEqual(REGISTER_4_GOAL);
    expect(addOne).to.be.lessThanOrEqual(ADD_VERSION_GOAL);
    expect(setPrice).to.be.lessThanOrEqual(SET_PRICE_GOAL);
  });

  it("keeps an external terms call within 5,000 gas beyond the intrinsic cost, from a cold slot", async function () {
    const { models, register } = await scenario();
    await register(1);
    // Each transaction starts with every slot cold, so a transaction calling the view measures the cold read.
    const tx = await models.terms.send(1n);
    const execution = (await tx.wait())!.gasUsed - intrinsicGas(tx.data);
    measured.push(["terms: execution of an external call (cold slot)", execution]);
    expect(execution).to.be.lessThanOrEqual(TERMS_GOAL);
  });
});
