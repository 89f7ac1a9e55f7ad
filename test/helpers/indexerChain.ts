import { ethers } from "ethers";
import type { ContractTransactionResponse, JsonRpcProvider } from "ethers";
import { deployProtocol } from "../../deploy/protocol";
import type { IndexedContracts } from "../../sdk/src/node";

/**
 * A fresh protocol on a node reached over JSON-RPC (no Hardhat runtime needed, so that the bench can use it too),
 * with model 1 to settle against: Datanet 1 (no bond, one validator) with one accepted contribution and version 1,
 * model 1 trained on it at `pricePerCall`, and `payer` holding 1,000 OPEN with settlement approved. `contracts`
 * lists the six protocol contracts for the indexer.
 */
export async function deployWithModel(provider: JsonRpcProvider, pricePerCall: bigint) {
  const [deployer, owner, validator, developer, payer, guardian] = await Promise.all(
    [0, 1, 2, 3, 4, 5].map((i) => provider.getSigner(i)),
  );
  const d = await deployProtocol(deployer, { guardian: guardian.address });
  const mined = async (tx: Promise<ContractTransactionResponse>) => (await tx).wait();
  const policy = {
    bond: 0n,
    quorum: 1,
    reviewWindow: 86_400,
    accessMode: 0,
    maxFileBytes: 1_000_000n,
    contributorDailyFiles: 50,
    contributorDailyBytes: 10_000_000n,
    datanetDailyBytes: 100_000_000n,
  };
  await mined(d.datanets.connect(owner).createDatanet("ipfs://datanet-1", policy, [validator.address]));
  const contentHash = ethers.id("contribution 1");
  const salt = ethers.id("salt 1");
  await mined(d.datanets.connect(owner).commit(await d.datanets.commitmentOf(owner.address, 1n, contentHash, salt)));
  const termsVersion = await d.datanets.currentTermsVersion(1n);
  await mined(
    d.datanets
      .connect(owner)
      .submit({ datanetId: 1n, contentHash, size: 1_000, termsVersion, maxBond: 0n, salt }, "ipfs://contribution-1"),
  );
  await mined(d.datanets.connect(validator).vote(1n, contentHash, true));
  await mined(d.datanets.connect(owner).publishVersion(1n));
  await mined(
    d.models.connect(developer).registerModel(
      "ipfs://model-1",
      {
        baseModel: "base",
        adapterKind: 1,
        adapterHash: ethers.id("adapter"),
        trainingConfigHash: ethers.id("config"),
        trainedOn: [{ datanetId: 1n, version: 1n }],
      },
      pricePerCall,
      developer.address,
    ),
  );
  await mined(d.open.connect(deployer).transfer(payer.address, ethers.parseEther("1000")));
  await mined(d.open.connect(payer).approve(await d.settlement.getAddress(), ethers.MaxUint256));
  const contracts: IndexedContracts = {};
  for (const name of ["datanets", "models", "settlement", "staking", "rewards", "clock"] as const) {
    contracts[name] = { address: await d[name].getAddress() };
  }
  return { ...d, deployer, owner, developer, payer, contracts };
}
