import { expect } from "chai";
import hre from "hardhat";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import { SOLC_VERSION } from "../../hardhat.config";

describe("Offline compiler", function () {
  it("uses the solc-js build of the pinned npm package", async function () {
    const build = await hre.run(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, { quiet: true, solcVersion: SOLC_VERSION });
    expect(build.isSolcJs).to.equal(true);
    expect(build.compilerPath).to.equal(require.resolve("solc/soljson.js"));
    expect(build.version).to.equal(SOLC_VERSION);
    expect(require("solc/package.json").version).to.equal(SOLC_VERSION);
  });

  it("names the fix when the requested version is not the installed one", async function () {
    await hre.run(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, { quiet: true, solcVersion: "0.8.20" }).then(
      () => expect.fail("a mismatched compiler was accepted"),
      (error: Error) => {
        expect(error.message).to.contain("Solidity 0.8.20 is requested but the npm package solc is 0.8.28");
        expect(error.message).to.contain("npm install --save-exact solc@0.8.20");
      },
    );
  });
});
