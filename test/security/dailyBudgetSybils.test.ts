import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { surgeBond } from "../../sdk/src";
import type { SurgePolicy } from "../../sdk/src";
import { contentHash, datanetFixture, defaultPolicy } from "../fixtures/protocol";
import { commitSubmission } from "../helpers/submission";

/*
 * Attack: free addresses fill a Datanet's shared daily byte budget at 00:00 UTC, so that honest contributors (a
 * newcomer with no history among them) are refused all day; the bonds come back when the validators let the junk
 * expire, so the lock-out costs nothing. With a bond, the budget is now priced instead of capped: past five eighths
 * of it the bond doubles with every eighth, a newcomer gets in by posting the bond of the moment (refunded in full on
 * acceptance), and the surge above the terms' bond is kept when a submission expires or is rejected.
 */

const OPEN = (n: number | bigint) => ethers.parseEther(String(n));
const DAY = 86_400n;
const WINDOW = 2n * DAY;
/** The demo's Datanet: a 10 OPEN bond, 32 KiB files, 25 files per contributor per day, a 1 MiB day. */
const FILE = 32_768n;
const POLICY = {
  bond: OPEN(10),
  quorum: 2,
  reviewWindow: Number(WINDOW),
  maxFileBytes: FILE,
  contributorDailyFiles: 25,
  contributorDailyBytes: 25n * FILE,
  datanetDailyBytes: 1_048_576n,
};
const SURGE: SurgePolicy = { bond: POLICY.bond, datanetDailyBytes: POLICY.datanetDailyBytes };
/** The newcomer's e-mail. */
const NEWCOMER_SIZE = 4_096n;

/**
 * What keeping a newcomer out costs: the sybils submit full files until the newcomer's bond exceeds what it is
 * willing to post. `kept` is what they lose when their files expire (the surges), `capital` what they must post meanwhile.
 */
function lockout(willingness: bigint) {
  let used = 0n;
  let kept = 0n;
  let capital = 0n;
  let files = 0;
  while (surgeBond(SURGE, used, NEWCOMER_SIZE) <= willingness) {
    const bond = surgeBond(SURGE, used, FILE);
    kept += bond - SURGE.bond;
    capital += bond;
    used += FILE;
    files += 1;
  }
  return { files, bytes: used, kept, capital, newcomerBond: surgeBond(SURGE, used, NEWCOMER_SIZE) };
}

async function sybilFixture() {
  const f = await loadFixture(datanetFixture);
  const { open, datanets, owner, deployer, signers } = f;
  await datanets.connect(owner).setPolicy(1n, defaultPolicy(POLICY));
  // Two sybils with 25 files each: 50 files, 1.56 times the former hard limit.
  const sybils = signers.slice(12, 14);
  const newcomer = signers[14];
  const registry = await datanets.getAddress();
  for (const who of [...sybils, newcomer]) {
    await open.connect(deployer).transfer(who.address, OPEN(100_000));
    await open.connect(who).approve(registry, ethers.MaxUint256);
  }
  // Every sybil commits to its files the day before; the attack starts at 00:00 UTC.
  let n = 0;
  const queued: { reveal: () => Promise<unknown>; who: HardhatEthersSigner; hash: string }[] = [];
  for (const who of sybils) {
    for (let i = 0; i < POLICY.contributorDailyFiles; i++, n++) {
      const hash = contentHash(`junk ${n}`);
      const pending = await commitSubmission(datanets, who, 1n, hash, { size: FILE });
      queued.push({ reveal: () => pending.reveal(), who, hash });
    }
  }
  await time.increaseTo((BigInt(await time.latest()) / DAY + 1n) * DAY);
  return { ...f, sybils, newcomer, queued };
}

describe("Security: sybils filling a Datanet's daily budget", function () {
  it("lets a newcomer in on a day the sybils fill the whole former budget, and refunds it in full", async function () {
    const { open, datanets, newcomer, queued, v1, v2 } = await sybilFixture();
    // 32 full files: the whole 1 MiB that used to be a hard limit, after which every submission was refused.
    for (const { reveal } of queued.slice(0, 32)) await reveal();
    expect(await datanets.datanetUsageToday(1n)).to.equal(POLICY.datanetDailyBytes);

    const quoted = await datanets.bondFor(1n, NEWCOMER_SIZE);
    expect(quoted).to.equal(OPEN(160));
    const pending = await commitSubmission(datanets, newcomer, 1n, contentHash("newcomer"), {
      size: NEWCOMER_SIZE,
      maxBond: quoted,
    });
    await expect(pending.reveal()).to.changeTokenBalance(open, newcomer, -quoted);
    await datanets.connect(v1).vote(1n, contentHash("newcomer"), true);
    await datanets.connect(v2).vote(1n, contentHash("newcomer"), true);
    expect(await datanets.bondCredit(newcomer.address)).to.equal(quoted);
  });

  it("makes the sybils pay, in surges kept on expiry, for every newcomer they price out", async function () {
    const { open, datanets, newcomer, sybils, queued } = await sybilFixture();
    const target = lockout(OPEN(100));
    expect([target.files, target.kept, target.newcomerBond]).to.deep.equal([32, OPEN(590), OPEN(160)]);
    const before = await Promise.all(sybils.map((s) => open.balanceOf(s.address)));
    for (const { reveal } of queued.slice(0, target.files)) await reveal();

    // A newcomer willing to post 100 OPEN is priced out for now...
    const pending = await commitSubmission(datanets, newcomer, 1n, contentHash("newcomer"), {
      size: NEWCOMER_SIZE,
      maxBond: OPEN(100),
    });
    await expect(pending.reveal())
      .to.be.revertedWithCustomError(datanets, "DatanetBondAboveMax")
      .withArgs(1n, OPEN(160), OPEN(100));

    // ...and the validators let the junk expire: the sybils get the terms' bond back and lose every surge.
    await time.increase(WINDOW + 1n);
    for (const { hash } of queued.slice(0, target.files)) await datanets.reclaimBond(1n, hash);
    const after = await Promise.all(sybils.map((s) => open.balanceOf(s.address)));
    const lost = before.reduce((sum, b, i) => sum + b - after[i], 0n);
    expect(lost).to.equal(target.kept);
    expect(await datanets.treasuryBalance(1n)).to.equal(target.kept);

    // The same lock-out before the fix: the 32 files filled the budget and came back whole (cost 0).
    const rows = [20n, 100n, 1_000n, 10_000n].map((w) => ({ w, ...lockout(OPEN(w)) }));
    for (const [i, r] of rows.entries()) {
      // The sybils lose more the more the newcomer would post: at least three times what they price it out of.
      expect(r.kept).to.be.greaterThanOrEqual(3n * OPEN(r.w));
      if (i > 0) expect(r.kept).to.be.greaterThan(rows[i - 1].kept);
    }
    console.log(
      "\n      cost of keeping a newcomer (4 KiB, willing to post W) out for a day, 10 OPEN bond, 1 MiB day:",
    );
    console.log("      W (OPEN) | sybil files (32 KiB) | bytes / budget | capital posted | lost on expiry");
    for (const r of rows) {
      console.log(
        `      ${String(r.w).padStart(8)} | ${String(r.files).padStart(20)} | ${(Number(r.bytes) / 1_048_576).toFixed(2).padStart(14)} | ` +
          `${ethers.formatEther(r.capital).padStart(14)} | ${ethers.formatEther(r.kept).padStart(14)}`,
      );
    }
  });
});
