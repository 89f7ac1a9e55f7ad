import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { ModelGovernor__factory } from "../../typechain-types";

/** EIP-170: the most runtime bytecode a contract may have. */
const CODE_SIZE_LIMIT = 24_576;

/*
 * Instrumented bytecode is larger, so this file runs in the plain phase of `npm test` (scripts/lib/testPhases.ts),
 * not under coverage.
 */
describe("Contracts' bytecode", function () {
  it("keeps every contract of contracts/ (test doubles aside) within the 24,576-byte code size limit", async function () {
    const names = (await hre.artifacts.getAllFullyQualifiedNames()).filter(
      (name) => name.startsWith("contracts/") && !name.startsWith("contracts/mocks/"),
    );
    const oversized: string[] = [];
    let deployable = 0;
    for (const name of names) {
      const size = ethers.dataLength((await hre.artifacts.readArtifact(name)).deployedBytecode);
      if (size > 0) deployable++;
      if (size > CODE_SIZE_LIMIT) oversized.push(`${name}: ${size} bytes`);
    }
    expect(deployable, "deployable contracts").to.be.greaterThan(10);
    expect(oversized).to.deep.equal([]);
  });

  it("deploys the governor's implementation within the code size limit", async function () {
    const [deployer] = await ethers.getSigners();
    const implementation = await new ModelGovernor__factory(deployer).deploy();
    const size = ethers.dataLength(await ethers.provider.getCode(await implementation.getAddress()));
    expect(size).to.be.greaterThan(0).and.lessThanOrEqual(CODE_SIZE_LIMIT);
  });
});
