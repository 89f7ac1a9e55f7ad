import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { InvalidInputError, MAX_SURGE_LEVEL, commitmentOf, randomSalt, surgeBond, surgeLevel } from "../../sdk/src";
import { seededRandom } from "../helpers/random";
import { sdkFixture, sdkPolicy } from "../fixtures/sdk";
import { submitContribution } from "../helpers/submission";

const OPEN = ethers.parseEther("1");

describe("surge bond and commitments (SDK)", function () {
  describe("surgeLevel and surgeBond", function () {
    it("doubles per eighth of the budget past five eighths, from the bytes the day reaches", function () {
      const budget = 8_000n;
      const cases: [bigint, number][] = [
        [0n, 0],
        [4_999n, 0],
        [5_000n, 1],
        [5_999n, 1],
        [6_000n, 2],
        [8_000n, 4],
        [12_000n, 8],
        [16_000n, 12],
      ];
      for (const [usedAfter, level] of cases) expect(surgeLevel(usedAfter, budget), `${usedAfter}`).to.equal(level);
      expect(surgeBond({ bond: OPEN, datanetDailyBytes: budget }, 7_000n, 1_000n)).to.equal(OPEN << 4n);
    });

    it("saturates at the maximum level and charges nothing without a bond", function () {
      expect(surgeLevel(2n ** 80n, 1n)).to.equal(MAX_SURGE_LEVEL);
      expect(surgeBond({ bond: 0n, datanetDailyBytes: 1n }, 10n ** 9n, 10n ** 9n)).to.equal(0n);
    });

    it("refuses a zero budget, which no policy can have", function () {
      expect(() => surgeLevel(1n, 0n)).to.throw(InvalidInputError, "daily budget must be positive");
    });

    it("quotes what the registry's bondFor quotes, for seeded random sizes through a filling day", async function () {
      const f = await loadFixture(sdkFixture);
      const { client, datanets, open, alice, v1, v2, v3 } = f;
      const policy = sdkPolicy({
        maxFileBytes: 2n ** 64n - 1n,
        contributorDailyBytes: 2n ** 64n - 1n,
        datanetDailyBytes: 20_000n,
      });
      const { datanetId } = await client.createDatanet({
        uri: "",
        policy,
        validators: [v1.address, v2.address, v3.address],
      });
      await open.transfer(alice.address, ethers.parseEther("100000"));
      const random = seededRandom(808);
      let used = 0n;
      for (let round = 0; round < 6; round++) {
        for (let i = 0; i < 12; i++) {
          const size = BigInt(Math.floor(random() * 40_000)) + (i === 0 ? 2n ** 63n : 1n);
          expect(await datanets.bondFor(datanetId, size), `used ${used}, size ${size}`).to.equal(
            surgeBond(policy, used, size),
          );
        }
        const size = BigInt(Math.floor(random() * 12_000)) + 1n;
        await submitContribution(datanets, alice, datanetId, ethers.id(`surge ${round}`), { size });
        used += size;
        expect(await datanets.datanetUsageToday(datanetId)).to.equal(used);
      }
      expect(surgeLevel(used, policy.datanetDailyBytes)).to.be.greaterThan(0);
    });
  });

  describe("commitmentOf and randomSalt", function () {
    it("gives the registry's commitment for seeded random inputs", async function () {
      const { datanets, signers } = await loadFixture(sdkFixture);
      const random = seededRandom(17);
      const hex32 = () => ethers.hexlify(Uint8Array.from({ length: 32 }, () => Math.floor(random() * 256)));
      for (let i = 0; i < 10; i++) {
        const [who, datanetId, hash, salt] = [signers[i].address, BigInt(i * 977), hex32(), hex32()];
        expect(commitmentOf(who, datanetId, hash, salt)).to.equal(
          await datanets.commitmentOf(who, datanetId, hash, salt),
        );
      }
    });

    it("draws 32 random bytes per salt", function () {
      const salts = new Set(Array.from({ length: 50 }, () => randomSalt()));
      expect(salts.size).to.equal(50);
      for (const salt of salts) expect(salt).to.match(/^0x[0-9a-f]{64}$/);
    });
  });
});
