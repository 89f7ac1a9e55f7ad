import { expect } from "chai";
import { ethers } from "hardhat";
import { impersonateAccount, loadFixture, mine, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import {
  DatanetRegistry__factory,
  IDatanetRegistry__factory,
  MockFeeOnTransferToken__factory,
} from "../../typechain-types";
import type { PolicyStruct, PolicyStructOutput } from "../../typechain-types/contracts/DatanetRegistry";
import { contentHash, datanetFixture, defaultPolicy } from "../fixtures/protocol";
import { unassertedErrorsAndEvents } from "../helpers/completeness";
import { expectMinedRevert, mineInOneBlock } from "../helpers/blocks";
import { commitSubmission, freshSalt } from "../helpers/submission";
import type { SubmissionOptions } from "../helpers/submission";

/** {@link ContributionStatus} as the ABI returns it. */
const Status = { None: 0n, Pending: 1n, Accepted: 2n, Rejected: 3n, Expired: 4n } as const;
/** {@link PolicyField} as the ABI returns it. */
const Field = {
  Quorum: 0,
  ReviewWindow: 1,
  MaxFileBytes: 2,
  ContributorDailyFiles: 3,
  ContributorDailyBytes: 4,
  DatanetDailyBytes: 5,
} as const;
const AccessMode = { Open: 0, Permissioned: 1 } as const;

/** The bond of {@link defaultPolicy}. */
const BOND = ethers.parseEther("1");
const DAY = 86_400n;
const WINDOW = 24n * 3600n;
const abi = ethers.AbiCoder.defaultAbiCoder();

/** The contribution id, computed independently of the contract. */
function idOf(datanetId: bigint, hash: string): bigint {
  return BigInt(ethers.keccak256(abi.encode(["uint256", "bytes32"], [datanetId, hash])));
}

/** The id of a later attempt (a resubmission or a takeover), computed independently of the contract. */
function laterIdOf(datanetId: bigint, hash: string, attempt: number): bigint {
  return BigInt(ethers.keccak256(abi.encode(["uint256", "bytes32", "uint32"], [datanetId, hash, attempt])));
}

/** One step of the running digest, computed independently of the contract. */
function fold(previous: string, id: bigint, hash: string): string {
  return ethers.keccak256(abi.encode(["bytes32", "uint256", "bytes32"], [previous, id, hash]));
}

/** The arguments of the ContributionSubmitted event for `submit(who, n, ...)` made by the test helpers. */
function submittedArgs(
  datanetId: bigint,
  contributor: string,
  n: number,
  size: bigint,
  { terms = 1n, bond = BOND, fromCredit = false, id = idOf(datanetId, contentHash(n)) } = {},
) {
  return [datanetId, id, contributor, contentHash(n), size, `ipfs://c${n}`, terms, bond, fromCredit];
}

/** The arguments of the ContributionAccepted event when contribution `n` is the `index`-th acceptance. */
function acceptedArgs(
  datanetId: bigint,
  contributor: string,
  n: number,
  index: bigint,
  previous: string,
  refund = BOND,
) {
  const id = idOf(datanetId, contentHash(n));
  return [datanetId, id, contributor, contentHash(n), index, fold(previous, id, contentHash(n)), refund];
}

/** A policy in ABI order with every field as a bigint, so input and output policies compare with deep equality. */
function policyTuple(p: PolicyStruct | PolicyStructOutput): bigint[] {
  return [
    p.bond,
    p.quorum,
    p.reviewWindow,
    p.accessMode,
    p.maxFileBytes,
    p.contributorDailyFiles,
    p.contributorDailyBytes,
    p.datanetDailyBytes,
  ].map((v) => BigInt(v));
}

/** `count` distinct nonzero addresses that no test signer uses. */
function syntheticAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    ethers.getAddress(`0x${(0xda7a0000 + i + 1).toString(16).padStart(40, "0")}`),
  );
}

async function deploy() {
  const f = await loadFixture(datanetFixture);
  const { datanets, open, owner, v1, v2, v3, alice } = f;
  const validators = [v1.address, v2.address, v3.address];

  /** Creates another Datanet (the fixture's is id 1) and returns its id. */
  async function createDatanet(
    overrides: Partial<PolicyStruct> = {},
    validatorList: string[] = validators,
    creator: HardhatEthersSigner = owner,
  ): Promise<bigint> {
    await datanets.connect(creator).createDatanet("ipfs://datanet", defaultPolicy(overrides), validatorList);
    return datanets.datanetCount();
  }

  /** Commits `who` to contribution `n` now; `reveal()` submits it later (the registry wants a later block). */
  function commit(who: HardhatEthersSigner, n: number, opts: SubmissionOptions & { datanetId?: bigint } = {}) {
    return commitSubmission(datanets, who, opts.datanetId ?? 1n, contentHash(n), { uri: `ipfs://c${n}`, ...opts });
  }

  /** Both steps of an honest submission of contribution `n`; resolves to the reveal. */
  async function submit(who: HardhatEthersSigner, n: number, opts: SubmissionOptions & { datanetId?: bigint } = {}) {
    return (await commit(who, n, opts)).reveal();
  }

  function vote(validator: HardhatEthersSigner, n: number, accept: boolean, datanetId = 1n) {
    return datanets.connect(validator).vote(datanetId, contentHash(n), accept);
  }

  /** Decides contribution `n` of Datanet 1 with the fixture's quorum of 2. */
  async function decide(n: number, accept: boolean) {
    await vote(v1, n, accept);
    await vote(v2, n, accept);
  }

  /** Everything a settled bond could still move, to prove that nothing moves. */
  async function ledger(contributor: HardhatEthersSigner = alice, datanetId = 1n) {
    return {
      registry: await open.balanceOf(await datanets.getAddress()),
      wallet: await open.balanceOf(contributor.address),
      credit: await datanets.bondCredit(contributor.address),
      treasury: await datanets.treasuryBalance(datanetId),
      reputation: [...(await datanets.reputation(datanetId, contributor.address))],
      digest: [...(await datanets.currentDigest(datanetId))],
    };
  }

  return { ...f, validators, createDatanet, commit, submit, vote, decide, ledger };
}

/** Moves the chain to the first second of the next UTC day, so that daily limits start from zero. */
async function startNextDay(): Promise<bigint> {
  const next = (BigInt(await time.latest()) / DAY + 1n) * DAY;
  await time.increaseTo(next);
  return next;
}

describe("DatanetRegistry", function () {
  describe("deployment", function () {
    it("exposes the bond token, the 32-validator cap and the ERC-721 metadata", async function () {
      const { datanets, open } = await deploy();
      expect(await datanets.BOND_TOKEN()).to.equal(await open.getAddress());
      expect(await datanets.MAX_VALIDATORS()).to.equal(32n);
      expect(await datanets.name()).to.equal("Datanet");
      expect(await datanets.symbol()).to.equal("DATANET");
      // Wallets and marketplaces only list the Datanet as an NFT if it reports the ERC-721 interface id.
      expect(await datanets.supportsInterface("0x80ac58cd")).to.equal(true);
    });
  });

  describe("createDatanet", function () {
    it("mints the Datanet to its creator with ids counting from 1", async function () {
      const { datanets, owner, alice, validators } = await deploy();
      expect(await datanets.ownerOf(1n)).to.equal(owner.address);
      expect(await datanets.datanetCount()).to.equal(1n);

      const policy = defaultPolicy();
      expect(await datanets.connect(alice).createDatanet.staticCall("ipfs://two", policy, validators)).to.equal(2n);
      await expect(datanets.connect(alice).createDatanet("ipfs://two", policy, validators))
        .to.emit(datanets, "Transfer")
        .withArgs(ethers.ZeroAddress, alice.address, 2n);
      expect(await datanets.ownerOf(2n)).to.equal(alice.address);
      expect(await datanets.balanceOf(alice.address)).to.equal(1n);
      expect(await datanets.datanetCount()).to.equal(2n);
    });

    it("emits DatanetCreated and TermsUpdated with terms version 1", async function () {
      const { datanets, bob, v1, v3 } = await deploy();
      const policy = defaultPolicy({ bond: 7n, quorum: 1, accessMode: AccessMode.Permissioned });
      const tx = datanets.connect(bob).createDatanet("ipfs://bob", policy, [v3.address, v1.address]);
      await expect(tx).to.emit(datanets, "DatanetCreated").withArgs(2n, bob.address, "ipfs://bob");
      await expect(tx)
        .to.emit(datanets, "TermsUpdated")
        .withArgs(2n, 1n, policyTuple(policy), [v3.address, v1.address]);
    });

    it("stores the policy and the validator list as terms version 1", async function () {
      const { datanets, validators } = await deploy();
      expect(await datanets.currentTermsVersion(1n)).to.equal(1n);
      expect(policyTuple(await datanets.getPolicy(1n, 1n))).to.deep.equal(policyTuple(defaultPolicy()));
      expect(await datanets.getValidators(1n, 1n)).to.deep.equal(validators);
    });

    it("serves the metadata URI as the token URI", async function () {
      const { datanets } = await deploy();
      expect(await datanets.tokenURI(1n)).to.equal("ipfs://datanet-1");
      await expect(datanets.tokenURI(2n))
        .to.be.revertedWithCustomError(datanets, "ERC721NonexistentToken")
        .withArgs(2n);
    });

    it("reverts with DatanetNoValidators for an empty validator list", async function () {
      const { datanets, owner } = await deploy();
      await expect(datanets.connect(owner).createDatanet("u", defaultPolicy(), [])).to.be.revertedWithCustomError(
        datanets,
        "DatanetNoValidators",
      );
    });

    it("reverts with DatanetTooManyValidators for 33 validators and accepts 32", async function () {
      const { datanets, owner } = await deploy();
      await expect(datanets.connect(owner).createDatanet("u", defaultPolicy(), syntheticAddresses(33)))
        .to.be.revertedWithCustomError(datanets, "DatanetTooManyValidators")
        .withArgs(33n, 32n);
      await datanets.connect(owner).createDatanet("u", defaultPolicy({ quorum: 32 }), syntheticAddresses(32));
      expect(await datanets.getValidators(2n, 1n)).to.deep.equal(syntheticAddresses(32));
    });

    it("reverts with DatanetInvalidValidator for the zero address", async function () {
      const { datanets, owner, v1 } = await deploy();
      await expect(
        datanets.connect(owner).createDatanet("u", defaultPolicy({ quorum: 1 }), [v1.address, ethers.ZeroAddress]),
      )
        .to.be.revertedWithCustomError(datanets, "DatanetInvalidValidator")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts with DatanetDuplicateValidator for a validator listed twice", async function () {
      const { datanets, owner, v1, v2 } = await deploy();
      await expect(datanets.connect(owner).createDatanet("u", defaultPolicy(), [v1.address, v2.address, v1.address]))
        .to.be.revertedWithCustomError(datanets, "DatanetDuplicateValidator")
        .withArgs(v1.address);
    });

    const invalidPolicies: [string, Partial<PolicyStruct>, number, string][] = [
      ["a zero quorum", { quorum: 0 }, Field.Quorum, "Quorum"],
      ["a quorum above the validator count", { quorum: 4 }, Field.Quorum, "Quorum"],
      ["a zero review window", { reviewWindow: 0 }, Field.ReviewWindow, "ReviewWindow"],
      ["a zero file size limit", { maxFileBytes: 0 }, Field.MaxFileBytes, "MaxFileBytes"],
      ["a zero daily file limit", { contributorDailyFiles: 0 }, Field.ContributorDailyFiles, "ContributorDailyFiles"],
      [
        "a zero contributor byte limit",
        { contributorDailyBytes: 0 },
        Field.ContributorDailyBytes,
        "ContributorDailyBytes",
      ],
      ["a zero Datanet byte limit", { datanetDailyBytes: 0 }, Field.DatanetDailyBytes, "DatanetDailyBytes"],
    ];
    for (const [what, overrides, field, name] of invalidPolicies) {
      it(`reverts with DatanetInvalidPolicy(${name}) for ${what}`, async function () {
        const { datanets, owner, validators } = await deploy();
        await expect(datanets.connect(owner).createDatanet("u", defaultPolicy(overrides), validators))
          .to.be.revertedWithCustomError(datanets, "DatanetInvalidPolicy")
          .withArgs(field);
        await expect(datanets.connect(owner).setPolicy(1n, defaultPolicy(overrides)))
          .to.be.revertedWithCustomError(datanets, "DatanetInvalidPolicy")
          .withArgs(field);
      });
    }
  });

  describe("setPolicy", function () {
    it("starts a new terms version that keeps the validators", async function () {
      const { datanets, owner, validators } = await deploy();
      const policy = defaultPolicy({ bond: ethers.parseEther("3"), quorum: 3, reviewWindow: 3600 });
      await expect(datanets.connect(owner).setPolicy(1n, policy))
        .to.emit(datanets, "TermsUpdated")
        .withArgs(1n, 2n, policyTuple(policy), validators);
      expect(await datanets.currentTermsVersion(1n)).to.equal(2n);
      expect(policyTuple(await datanets.getPolicy(1n, 2n))).to.deep.equal(policyTuple(policy));
      expect(policyTuple(await datanets.getPolicy(1n, 1n))).to.deep.equal(policyTuple(defaultPolicy()));
      expect(await datanets.getValidators(1n, 2n)).to.deep.equal(validators);
    });

    it("reverts with DatanetUnauthorizedOwner for anyone but the owner", async function () {
      const { datanets, outsider, v1 } = await deploy();
      for (const caller of [outsider, v1]) {
        await expect(datanets.connect(caller).setPolicy(1n, defaultPolicy()))
          .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedOwner")
          .withArgs(1n, caller.address);
      }
    });

    it("reverts with DatanetNonexistent for an unknown Datanet", async function () {
      const { datanets, owner } = await deploy();
      await expect(datanets.connect(owner).setPolicy(2n, defaultPolicy()))
        .to.be.revertedWithCustomError(datanets, "DatanetNonexistent")
        .withArgs(2n);
    });

    it("refunds a pending contribution the bond it posted, not the new one", async function () {
      const { datanets, open, owner, alice, submit, decide } = await deploy();
      await submit(alice, 1);
      await datanets.connect(owner).setPolicy(1n, defaultPolicy({ bond: ethers.parseEther("5") }));
      await expect(submit(alice, 2)).to.changeTokenBalance(open, alice, -ethers.parseEther("5"));

      await expect(decide(1, true)).to.not.be.reverted;
      expect(await datanets.bondCredit(alice.address)).to.equal(BOND);
    });

    it("slashes a pending contribution by the bond it posted, not the new one", async function () {
      const { datanets, owner, alice, submit, vote, v1, v2 } = await deploy();
      await submit(alice, 1);
      await datanets.connect(owner).setPolicy(1n, defaultPolicy({ bond: ethers.parseEther("5") }));
      await vote(v1, 1, false);
      await expect(vote(v2, 1, false))
        .to.emit(datanets, "ContributionRejected")
        .withArgs(1n, idOf(1n, contentHash(1)), alice.address, BOND);
      expect(await datanets.treasuryBalance(1n)).to.equal(BOND);
    });

    it("decides a pending contribution by the quorum it was submitted under", async function () {
      const { datanets, owner, alice, submit, vote, v1, v2 } = await deploy();
      await submit(alice, 1);
      await datanets.connect(owner).setPolicy(1n, defaultPolicy({ quorum: 1 }));
      await submit(alice, 2);

      // The old contribution still needs two accepts; the new one is decided by one.
      await expect(vote(v1, 1, true)).to.not.emit(datanets, "ContributionAccepted");
      const first = acceptedArgs(1n, alice.address, 2, 1n, ethers.ZeroHash);
      await expect(vote(v1, 2, true))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(...first);
      await expect(vote(v2, 1, true))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(...acceptedArgs(1n, alice.address, 1, 2n, first[5] as string));
    });

    it("keeps the review window a pending contribution was submitted under", async function () {
      const { datanets, owner, alice, submit, vote, v1 } = await deploy();
      await submit(alice, 1);
      const submittedAt = BigInt(await time.latest());
      await datanets.connect(owner).setPolicy(1n, defaultPolicy({ reviewWindow: 60 }));
      const id = idOf(1n, contentHash(1));
      expect(await datanets.reviewDeadline(1n, contentHash(1))).to.equal(submittedAt + WINDOW);

      await time.increaseTo(submittedAt + 3600n);
      await expect(vote(v1, 1, true))
        .to.emit(datanets, "VoteCast")
        .withArgs(1n, id, v1.address, true);
    });
  });

  describe("setValidators", function () {
    it("starts a new terms version that keeps the policy", async function () {
      const { datanets, owner, v2, outsider } = await deploy();
      const next = [outsider.address, v2.address];
      await expect(datanets.connect(owner).setValidators(1n, next))
        .to.emit(datanets, "TermsUpdated")
        .withArgs(1n, 2n, policyTuple(defaultPolicy()), next);
      expect(await datanets.currentTermsVersion(1n)).to.equal(2n);
      expect(await datanets.getValidators(1n, 2n)).to.deep.equal(next);
      expect(policyTuple(await datanets.getPolicy(1n, 2n))).to.deep.equal(policyTuple(defaultPolicy()));
    });

    it("reverts with DatanetNoValidators for an empty list", async function () {
      const { datanets, owner } = await deploy();
      await expect(datanets.connect(owner).setValidators(1n, [])).to.be.revertedWithCustomError(
        datanets,
        "DatanetNoValidators",
      );
    });

    it("reverts with DatanetTooManyValidators for 33 validators", async function () {
      const { datanets, owner } = await deploy();
      await expect(datanets.connect(owner).setValidators(1n, syntheticAddresses(33)))
        .to.be.revertedWithCustomError(datanets, "DatanetTooManyValidators")
        .withArgs(33n, 32n);
    });

    it("reverts with DatanetInvalidValidator for the zero address", async function () {
      const { datanets, owner, v1 } = await deploy();
      await expect(datanets.connect(owner).setValidators(1n, [ethers.ZeroAddress, v1.address]))
        .to.be.revertedWithCustomError(datanets, "DatanetInvalidValidator")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts with DatanetDuplicateValidator for a validator listed twice", async function () {
      const { datanets, owner, v3 } = await deploy();
      await expect(datanets.connect(owner).setValidators(1n, [v3.address, v3.address]))
        .to.be.revertedWithCustomError(datanets, "DatanetDuplicateValidator")
        .withArgs(v3.address);
    });

    it("reverts with DatanetInvalidPolicy(Quorum) when fewer validators remain than the quorum", async function () {
      const { datanets, owner, v1 } = await deploy();
      await expect(datanets.connect(owner).setValidators(1n, [v1.address]))
        .to.be.revertedWithCustomError(datanets, "DatanetInvalidPolicy")
        .withArgs(Field.Quorum);
    });

    it("reverts with DatanetUnauthorizedOwner for anyone but the owner", async function () {
      const { datanets, alice, v1 } = await deploy();
      await expect(datanets.connect(alice).setValidators(1n, [v1.address]))
        .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedOwner")
        .withArgs(1n, alice.address);
    });

    it("reverts with DatanetNonexistent for an unknown Datanet", async function () {
      const { datanets, owner, v1 } = await deploy();
      await expect(datanets.connect(owner).setValidators(0n, [v1.address]))
        .to.be.revertedWithCustomError(datanets, "DatanetNonexistent")
        .withArgs(0n);
    });

    it("lets each validator set vote only on the contributions submitted under it", async function () {
      const { datanets, owner, alice, outsider, submit, vote, v1, v2, v3 } = await deploy();
      await submit(alice, 1);
      await datanets.connect(owner).setValidators(1n, [v1.address, v2.address, outsider.address]);
      await submit(alice, 2);
      const [old, fresh] = [idOf(1n, contentHash(1)), idOf(1n, contentHash(2))];

      await expect(vote(v3, 2, true))
        .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedValidator")
        .withArgs(fresh, v3.address);
      await expect(vote(outsider, 1, true))
        .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedValidator")
        .withArgs(old, outsider.address);
      await expect(vote(v3, 1, true))
        .to.emit(datanets, "VoteCast")
        .withArgs(1n, old, v3.address, true);
      await expect(vote(outsider, 2, true))
        .to.emit(datanets, "VoteCast")
        .withArgs(1n, fresh, outsider.address, true);
    });
  });

  describe("setDatanetURI", function () {
    it("updates the token URI and emits DatanetURIUpdated", async function () {
      const { datanets, owner } = await deploy();
      await expect(datanets.connect(owner).setDatanetURI(1n, "ipfs://new"))
        .to.emit(datanets, "DatanetURIUpdated")
        .withArgs(1n, "ipfs://new");
      expect(await datanets.tokenURI(1n)).to.equal("ipfs://new");
    });

    it("reverts for anyone but the owner and for an unknown Datanet", async function () {
      const { datanets, owner, outsider } = await deploy();
      await expect(datanets.connect(outsider).setDatanetURI(1n, "x"))
        .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedOwner")
        .withArgs(1n, outsider.address);
      await expect(datanets.connect(owner).setDatanetURI(3n, "x"))
        .to.be.revertedWithCustomError(datanets, "DatanetNonexistent")
        .withArgs(3n);
    });
  });

  describe("ownership", function () {
    it("moves every owner right with the Datanet NFT", async function () {
      const { datanets, owner, bob, carol, alice, v1, submit, decide, vote, v2, validators } = await deploy();
      await submit(alice, 1);
      await decide(1, true);
      await submit(alice, 2);
      await vote(v1, 2, false);
      await vote(v2, 2, false);

      await datanets.connect(owner).transferFrom(owner.address, bob.address, 1n);
      expect(await datanets.ownerOf(1n)).to.equal(bob.address);

      await expect(datanets.connect(owner).setPolicy(1n, defaultPolicy()))
        .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedOwner")
        .withArgs(1n, owner.address);
      await expect(datanets.connect(owner).withdrawTreasury(1n, owner.address, 1n))
        .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedOwner")
        .withArgs(1n, owner.address);
      await expect(datanets.connect(owner).publishVersion(1n))
        .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedOwner")
        .withArgs(1n, owner.address);

      await expect(datanets.connect(bob).setPolicy(1n, defaultPolicy({ quorum: 1 })))
        .to.emit(datanets, "TermsUpdated")
        .withArgs(1n, 2n, policyTuple(defaultPolicy({ quorum: 1 })), validators);
      await expect(datanets.connect(bob).setModelAccess(1n, carol.address, true))
        .to.emit(datanets, "ModelAccessSet")
        .withArgs(1n, carol.address, true);
      await expect(datanets.connect(bob).publishVersion(1n))
        .to.emit(datanets, "VersionPublished")
        .withArgs(1n, 1n, 1n, acceptedArgs(1n, alice.address, 1, 1n, ethers.ZeroHash)[5]);
      await expect(datanets.connect(bob).withdrawTreasury(1n, bob.address, BOND))
        .to.emit(datanets, "TreasuryWithdrawn")
        .withArgs(1n, bob.address, BOND);
    });
  });

  describe("submit", function () {
    it("refuses a bond that arrives short (a fee-on-transfer token) with TokenTransferShortfall, and takes nothing", async function () {
      const { deployer, owner, v1, v2, v3, alice } = await deploy();
      const token = await new MockFeeOnTransferToken__factory(deployer).deploy(
        alice.address,
        ethers.parseEther("100"),
        100n,
      );
      const datanets = await new DatanetRegistry__factory(deployer).deploy(await token.getAddress());
      await token.connect(alice).approve(await datanets.getAddress(), ethers.MaxUint256);
      await datanets.connect(owner).createDatanet("ipfs://d", defaultPolicy(), [v1.address, v2.address, v3.address]);
      const bond = ethers.parseEther("1");
      await expect(commitSubmission(datanets, alice, 1n, contentHash(1)).then((s) => s.reveal()))
        .to.be.revertedWithCustomError(datanets, "TokenTransferShortfall")
        .withArgs(bond, bond - bond / 100n);
      expect(await token.balanceOf(alice.address)).to.equal(ethers.parseEther("100"));
    });

    it("pulls the bond from the wallet and records a pending contribution", async function () {
      const { datanets, open, alice } = await deploy();
      const hash = contentHash(1);
      const id = idOf(1n, hash);
      const salt = freshSalt();
      const commitment = await datanets.commitmentOf(alice.address, 1n, hash, salt);
      await expect(datanets.connect(alice).commit(commitment))
        .to.emit(datanets, "ContributionCommitted")
        .withArgs(commitment, alice.address);
      const committedAt = BigInt(await time.latest());
      expect(await datanets.committedAt(commitment)).to.equal(committedAt);
      const request = { datanetId: 1n, contentHash: hash, size: 1_234, termsVersion: 1, maxBond: BOND, salt };
      // A call runs in the latest block, the commitment's; the reveal must come later.
      await mine();
      expect(await datanets.connect(alice).submit.staticCall(request, "ipfs://c1")).to.equal(id);

      const tx = datanets.connect(alice).submit(request, "ipfs://c1");
      await expect(tx)
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(1n, id, alice.address, hash, 1_234n, "ipfs://c1", 1n, BOND, false);
      await expect(tx).to.changeTokenBalances(open, [alice, datanets], [-BOND, BOND]);
      // The commitment is used up: it cannot serve a second submission.
      expect(await datanets.committedAt(commitment)).to.equal(0n);

      const c = await datanets.getContribution(1n, hash);
      expect(c.contributionId).to.equal(id);
      expect(c.contributor).to.equal(alice.address);
      expect(c.submittedAt).to.equal(BigInt(await time.latest()));
      expect(c.committedAt).to.equal(committedAt);
      expect(c.termsVersion).to.equal(1n);
      expect(c.status).to.equal(Status.Pending);
      expect(c.attempt).to.equal(1n);
      expect(c.surgeLevel).to.equal(0n);
      expect(c.size).to.equal(1_234n);
      expect(c.bond).to.equal(BOND);
      expect(c.acceptMask).to.equal(0n);
      expect(c.rejectMask).to.equal(0n);
    });

    it("draws the bond from bond credit when the credit covers it, leaving the wallet untouched", async function () {
      const { datanets, open, alice, submit, decide } = await deploy();
      await submit(alice, 1);
      await decide(1, true);
      expect(await datanets.bondCredit(alice.address)).to.equal(BOND);

      const tx = submit(alice, 2, { size: 10 });
      await expect(tx)
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(1n, alice.address, 2, 10n, { fromCredit: true }));
      await expect(tx).to.changeTokenBalances(open, [alice, datanets], [0n, 0n]);
      expect(await datanets.bondCredit(alice.address)).to.equal(0n);
    });

    it("pulls the whole bond from the wallet when the credit only covers part of it", async function () {
      const { datanets, open, owner, alice, submit, decide } = await deploy();
      await submit(alice, 1);
      await decide(1, true);
      await datanets.connect(owner).setPolicy(1n, defaultPolicy({ bond: 2n * BOND }));

      const tx = submit(alice, 2);
      await expect(tx)
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(1n, alice.address, 2, 1_000n, { terms: 2n, bond: 2n * BOND }));
      await expect(tx).to.changeTokenBalances(open, [alice, datanets], [-2n * BOND, 2n * BOND]);
      expect(await datanets.bondCredit(alice.address)).to.equal(BOND);
    });

    it("escrows nothing under a zero-bond policy, even without an allowance", async function () {
      const { datanets, open, alice, outsider, submit, createDatanet } = await deploy();
      const id = await createDatanet({ bond: 0n, quorum: 1 });
      // The outsider has neither OPEN nor an allowance: a zero bond must not touch the token at all.
      const tx = submit(outsider, 1, { datanetId: id, size: 5 });
      await expect(tx)
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(id, outsider.address, 1, 5n, { bond: 0n, fromCredit: false }));
      await expect(tx).to.changeTokenBalances(open, [outsider, datanets], [0n, 0n]);
      expect(await datanets.bondCredit(alice.address)).to.equal(0n);
    });

    it("rejects a zero-bond contribution with nothing to slash: the treasury and the token stay put", async function () {
      const { datanets, open, outsider, submit, vote, v1, createDatanet } = await deploy();
      const id = await createDatanet({ bond: 0n, quorum: 1 });
      await submit(outsider, 1, { datanetId: id, size: 5 });
      const tx = vote(v1, 1, false, id);
      await expect(tx)
        .to.emit(datanets, "ContributionRejected")
        .withArgs(id, idOf(id, contentHash(1)), outsider.address, 0n);
      await expect(tx).to.changeTokenBalances(open, [outsider, datanets], [0n, 0n]);
      expect(await datanets.treasuryBalance(id)).to.equal(0n);
      expect((await datanets.reputation(id, outsider.address)).rejected).to.equal(1n);
    });

    it("reverts when the wallet lacks the bond and there is no credit", async function () {
      const { datanets, open, outsider, submit } = await deploy();
      await open.connect(outsider).approve(await datanets.getAddress(), ethers.MaxUint256);
      await expect(submit(outsider, 1, { size: 5 }))
        .to.be.revertedWithCustomError(open, "ERC20InsufficientBalance")
        .withArgs(outsider.address, 0n, BOND);
    });

    it("reverts with DatanetNonexistent for an unknown Datanet", async function () {
      const { datanets, alice, commit } = await deploy();
      const pending = await commit(alice, 1, { datanetId: 2n, termsVersion: 1 });
      await expect(pending.reveal()).to.be.revertedWithCustomError(datanets, "DatanetNonexistent").withArgs(2n);
    });

    it("reverts with DatanetInvalidContentHash for a zero content hash", async function () {
      const { datanets, alice } = await deploy();
      const pending = await commitSubmission(datanets, alice, 1n, ethers.ZeroHash, { size: 5 });
      await expect(pending.reveal()).to.be.revertedWithCustomError(datanets, "DatanetInvalidContentHash");
    });

    it("reverts with DatanetEmptyContribution for a zero size", async function () {
      const { datanets, alice, submit } = await deploy();
      await expect(submit(alice, 1, { size: 0 })).to.be.revertedWithCustomError(datanets, "DatanetEmptyContribution");
    });

    it("reverts with DatanetDuplicateContent naming the existing contribution, whoever resubmits it", async function () {
      const { datanets, alice, bob, submit } = await deploy();
      await submit(alice, 1);
      const id = idOf(1n, contentHash(1));
      for (const who of [alice, bob]) {
        await expect(submit(who, 1))
          .to.be.revertedWithCustomError(datanets, "DatanetDuplicateContent")
          .withArgs(1n, contentHash(1), id);
      }
    });

    it("keeps refusing accepted content, and pending content past its deadline until it is expired", async function () {
      const { datanets, alice, bob, submit, decide } = await deploy();
      await submit(alice, 1);
      await submit(alice, 2);
      await decide(1, true);
      await time.increase(WINDOW + 1n);
      for (const n of [1, 2]) {
        await expect(submit(bob, n))
          .to.be.revertedWithCustomError(datanets, "DatanetDuplicateContent")
          .withArgs(1n, contentHash(n), idOf(1n, contentHash(n)));
      }
    });

    it("takes expired content again at once, as a new attempt with its own id", async function () {
      const { datanets, alice, bob, submit, vote, v1, v2 } = await deploy();
      await submit(alice, 1);
      await time.increase(WINDOW + 1n);
      await datanets.reclaimBond(1n, contentHash(1));

      const second = laterIdOf(1n, contentHash(1), 2);
      await expect(submit(bob, 1))
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(1n, second, bob.address, contentHash(1), 1_000n, `ipfs://c1`, 1n, BOND, false);
      const c = await datanets.getContribution(1n, contentHash(1));
      expect([c.contributionId, c.attempt, c.contributor, c.status]).to.deep.equal([
        second,
        2n,
        bob.address,
        Status.Pending,
      ]);
      expect(await datanets.contributionIdOf(1n, contentHash(1), 2)).to.equal(second);
      // The new attempt is decided like any contribution, and the digest folds its own id.
      await vote(v1, 1, true);
      await expect(vote(v2, 1, true))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(1n, second, bob.address, contentHash(1), 1n, fold(ethers.ZeroHash, second, contentHash(1)), BOND);
    });

    it("refuses rejected content with DatanetRejectionCoolingOff until 7 days after its review deadline", async function () {
      const { datanets, alice, bob, commit, submit, decide } = await deploy();
      await submit(alice, 1);
      const deadline = await datanets.reviewDeadline(1n, contentHash(1));
      await decide(1, false);
      expect(await datanets.REJECTION_COOLING_OFF()).to.equal(7n * DAY);
      const resubmittableAt = deadline + 7n * DAY;

      const early = await commit(bob, 1);
      await time.setNextBlockTimestamp(resubmittableAt - 1n);
      await expect(early.reveal())
        .to.be.revertedWithCustomError(datanets, "DatanetRejectionCoolingOff")
        .withArgs(idOf(1n, contentHash(1)), resubmittableAt);
      await time.setNextBlockTimestamp(resubmittableAt);
      await expect(early.reveal())
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(1n, bob.address, 1, 1_000n, { id: laterIdOf(1n, contentHash(1), 2) }));
    });

    it("accepts the same content in a different Datanet under a different id", async function () {
      const { datanets, alice, submit, createDatanet } = await deploy();
      const other = await createDatanet();
      await submit(alice, 1);
      await expect(submit(alice, 1, { datanetId: other }))
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(other, alice.address, 1, 1_000n));
      expect(idOf(other, contentHash(1))).to.not.equal(idOf(1n, contentHash(1)));
      expect((await datanets.getContribution(other, contentHash(1))).contributionId).to.equal(
        idOf(other, contentHash(1)),
      );
    });

    it("reverts with DatanetFileTooLarge above maxFileBytes and accepts exactly the limit", async function () {
      const { datanets, alice, submit } = await deploy();
      await expect(submit(alice, 1, { size: 1_000_001 }))
        .to.be.revertedWithCustomError(datanets, "DatanetFileTooLarge")
        .withArgs(1n, 1_000_001n, 1_000_000n);
      await expect(submit(alice, 1, { size: 1_000_000 }))
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(1n, alice.address, 1, 1_000_000n));
    });

    it("reverts with DatanetContributorDailyFilesExceeded once the contributor used the day's files", async function () {
      const { datanets, alice, bob, submit, createDatanet } = await deploy();
      const id = await createDatanet({ contributorDailyFiles: 2 });
      await startNextDay();
      await submit(alice, 1, { datanetId: id });
      await submit(alice, 2, { datanetId: id });
      await expect(submit(alice, 3, { datanetId: id }))
        .to.be.revertedWithCustomError(datanets, "DatanetContributorDailyFilesExceeded")
        .withArgs(id, alice.address, 2n);
      // The limit is per contributor.
      await expect(submit(bob, 3, { datanetId: id }))
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(id, bob.address, 3, 1_000n));
    });

    it("reverts with DatanetContributorDailyBytesExceeded with the requested and remaining bytes", async function () {
      const { datanets, alice, bob, submit, createDatanet } = await deploy();
      const id = await createDatanet({ contributorDailyBytes: 1_000n });
      await startNextDay();
      await submit(alice, 1, { datanetId: id, size: 600 });
      await expect(submit(alice, 2, { datanetId: id, size: 401 }))
        .to.be.revertedWithCustomError(datanets, "DatanetContributorDailyBytesExceeded")
        .withArgs(id, alice.address, 401n, 400n);
      await submit(alice, 2, { datanetId: id, size: 400 });
      await expect(submit(alice, 3, { datanetId: id, size: 1 }))
        .to.be.revertedWithCustomError(datanets, "DatanetContributorDailyBytesExceeded")
        .withArgs(id, alice.address, 1n, 0n);
      await expect(submit(bob, 3, { datanetId: id, size: 1_000 }))
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(id, bob.address, 3, 1_000n));
    });

    it("reverts with DatanetDailyBytesExceeded once all contributors together reach a bond-free Datanet's limit", async function () {
      const { datanets, alice, bob, carol, submit, createDatanet } = await deploy();
      const id = await createDatanet({ bond: 0n, datanetDailyBytes: 1_000n });
      await startNextDay();
      await submit(alice, 1, { datanetId: id, size: 600 });
      await expect(submit(bob, 2, { datanetId: id, size: 500 }))
        .to.be.revertedWithCustomError(datanets, "DatanetDailyBytesExceeded")
        .withArgs(id, 500n, 400n);
      await submit(bob, 2, { datanetId: id, size: 400 });
      await expect(submit(carol, 3, { datanetId: id, size: 1 }))
        .to.be.revertedWithCustomError(datanets, "DatanetDailyBytesExceeded")
        .withArgs(id, 1n, 0n);
    });

    it("leaves no usage behind when a submission reverts", async function () {
      const { datanets, alice, submit, createDatanet } = await deploy();
      const id = await createDatanet({ contributorDailyBytes: 1_000n });
      await startNextDay();
      await submit(alice, 1, { datanetId: id, size: 600 });
      await expect(submit(alice, 2, { datanetId: id, size: 500 })).to.be.reverted;
      expect(await datanets.contributorUsageToday(id, alice.address)).to.deep.equal([1n, 600n]);
      expect(await datanets.datanetUsageToday(id)).to.equal(600n);
    });

    it("resets every daily limit at the UTC day boundary, not a second earlier", async function () {
      const { datanets, alice, bob, commit, submit, createDatanet } = await deploy();
      const id = await createDatanet({ bond: 0n, contributorDailyFiles: 1, datanetDailyBytes: 1_000n });
      const midnight = (BigInt(await time.latest()) / DAY + 2n) * DAY;

      await time.increaseTo(midnight - 60n);
      await submit(alice, 1, { datanetId: id, size: 1_000 });
      const [bobs, alices] = [
        await commit(bob, 2, { datanetId: id, size: 1 }),
        await commit(alice, 3, { datanetId: id, size: 1 }),
      ];
      // The last two seconds of the day still count against today's usage.
      await time.setNextBlockTimestamp(midnight - 2n);
      await expect(bobs.reveal())
        .to.be.revertedWithCustomError(datanets, "DatanetDailyBytesExceeded")
        .withArgs(id, 1n, 0n);
      await time.setNextBlockTimestamp(midnight - 1n);
      await expect(alices.reveal())
        .to.be.revertedWithCustomError(datanets, "DatanetContributorDailyFilesExceeded")
        .withArgs(id, alice.address, 1n);
      expect(await time.latest()).to.equal(Number(midnight - 1n));
      expect(await datanets.contributorUsageToday(id, alice.address)).to.deep.equal([1n, 1_000n]);
      expect(await datanets.datanetUsageToday(id)).to.equal(1_000n);

      await time.increaseTo(midnight);
      expect(await datanets.contributorUsageToday(id, alice.address)).to.deep.equal([0n, 0n]);
      expect(await datanets.datanetUsageToday(id)).to.equal(0n);
      await expect(submit(alice, 3, { datanetId: id, size: 400 }))
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(id, alice.address, 3, 400n, { bond: 0n }));
      await expect(submit(bob, 2, { datanetId: id, size: 600 }))
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(id, bob.address, 2, 600n, { bond: 0n }));
      expect(await datanets.datanetUsageToday(id)).to.equal(1_000n);
    });

    it("reports zero remaining when a limit is lowered below today's usage", async function () {
      const { datanets, owner, alice, bob, submit, createDatanet } = await deploy();
      const id = await createDatanet({ bond: 0n, contributorDailyBytes: 1_000n, datanetDailyBytes: 5_000n });
      await startNextDay();
      await submit(alice, 1, { datanetId: id, size: 800 });

      await datanets
        .connect(owner)
        .setPolicy(id, defaultPolicy({ bond: 0n, contributorDailyBytes: 500n, datanetDailyBytes: 5_000n }));
      await expect(submit(alice, 2, { datanetId: id, size: 1 }))
        .to.be.revertedWithCustomError(datanets, "DatanetContributorDailyBytesExceeded")
        .withArgs(id, alice.address, 1n, 0n);

      await datanets.connect(owner).setPolicy(id, defaultPolicy({ bond: 0n, datanetDailyBytes: 700n }));
      await expect(submit(bob, 2, { datanetId: id, size: 1 }))
        .to.be.revertedWithCustomError(datanets, "DatanetDailyBytesExceeded")
        .withArgs(id, 1n, 0n);

      await datanets.connect(owner).setPolicy(id, defaultPolicy({ bond: 0n, contributorDailyFiles: 1 }));
      await expect(submit(alice, 2, { datanetId: id, size: 1 }))
        .to.be.revertedWithCustomError(datanets, "DatanetContributorDailyFilesExceeded")
        .withArgs(id, alice.address, 1n);
    });
  });

  describe("commit", function () {
    it("reverts with DatanetCommitmentExists for a commitment already recorded, keeping the first time", async function () {
      const { datanets, alice, bob, commit } = await deploy();
      const { commitment } = await commit(alice, 1);
      const first = await datanets.committedAt(commitment);
      for (const who of [alice, bob]) {
        await expect(datanets.connect(who).commit(commitment))
          .to.be.revertedWithCustomError(datanets, "DatanetCommitmentExists")
          .withArgs(commitment);
      }
      expect(await datanets.committedAt(commitment)).to.equal(first);
    });

    it("derives the commitment as keccak256(abi.encode(contributor, datanetId, contentHash, salt))", async function () {
      const { datanets, alice } = await deploy();
      const salt = freshSalt();
      const expected = ethers.keccak256(
        abi.encode(["address", "uint256", "bytes32", "bytes32"], [alice.address, 7n, contentHash(1), salt]),
      );
      expect(await datanets.commitmentOf(alice.address, 7n, contentHash(1), salt)).to.equal(expected);
    });

    it("reverts with DatanetCommitmentTooRecent for a reveal in the commitment's own block", async function () {
      const { datanets, alice } = await deploy();
      const salt = freshSalt();
      const commitment = await datanets.commitmentOf(alice.address, 1n, contentHash(1), salt);
      const request = { datanetId: 1n, contentHash: contentHash(1), size: 10, termsVersion: 1, maxBond: BOND, salt };
      const { queued } = await mineInOneBlock(async () => ({
        committed: await datanets.connect(alice).commit(commitment),
        revealed: await datanets.connect(alice).submit(request, "ipfs://c1", { gasLimit: 500_000 }),
      }));
      const block = await ethers.provider.getBlock((await queued.committed.wait())!.blockNumber);
      await expectMinedRevert(queued.revealed, datanets.interface, "DatanetCommitmentTooRecent", [
        commitment,
        BigInt(block!.timestamp),
      ]);
      // A call also runs in the latest block, the commitment's.
      await expect(datanets.connect(alice).submit.staticCall(request, "ipfs://c1"))
        .to.be.revertedWithCustomError(datanets, "DatanetCommitmentTooRecent")
        .withArgs(commitment, block!.timestamp);
      await expect(datanets.connect(alice).submit(request, "ipfs://c1")).to.emit(datanets, "ContributionSubmitted");
    });

    it("reverts with DatanetUnknownCommitment without a commitment, with another salt or from another sender", async function () {
      const { datanets, alice, bob, commit } = await deploy();
      const { salt } = await commit(alice, 1);
      const request = (s: string) => ({
        datanetId: 1n,
        contentHash: contentHash(1),
        size: 10,
        termsVersion: 1,
        maxBond: BOND,
        salt: s,
      });
      const other = freshSalt();
      await expect(datanets.connect(alice).submit(request(other), "u"))
        .to.be.revertedWithCustomError(datanets, "DatanetUnknownCommitment")
        .withArgs(await datanets.commitmentOf(alice.address, 1n, contentHash(1), other));
      // The salt is public once alice reveals, but the commitment binds her address: bob cannot use it.
      await expect(datanets.connect(bob).submit(request(salt), "u"))
        .to.be.revertedWithCustomError(datanets, "DatanetUnknownCommitment")
        .withArgs(await datanets.commitmentOf(bob.address, 1n, contentHash(1), salt));
      // Nor can it serve another Datanet or other content.
      await expect(datanets.connect(alice).submit({ ...request(salt), contentHash: contentHash(2) }, "u"))
        .to.be.revertedWithCustomError(datanets, "DatanetUnknownCommitment")
        .withArgs(await datanets.commitmentOf(alice.address, 1n, contentHash(2), salt));
      await expect(datanets.connect(alice).submit(request(salt), "u")).to.emit(datanets, "ContributionSubmitted");
      await expect(datanets.connect(alice).submit(request(salt), "u"))
        .to.be.revertedWithCustomError(datanets, "DatanetUnknownCommitment")
        .withArgs(await datanets.commitmentOf(alice.address, 1n, contentHash(1), salt));
    });
  });

  describe("terms and bond agreed to", function () {
    it("reverts with DatanetTermsChanged when the terms changed since the contributor read them", async function () {
      const { datanets, open, owner, alice, outsider, commit, ledger } = await deploy();
      const pending = await commit(alice, 1, { termsVersion: 1 });
      await datanets.connect(owner).setValidators(1n, [owner.address, outsider.address]);
      const before = await ledger();
      await expect(pending.reveal())
        .to.be.revertedWithCustomError(datanets, "DatanetTermsChanged")
        .withArgs(1n, 1n, 2n);
      expect(await ledger()).to.deep.equal(before);
      expect(await open.balanceOf(await datanets.getAddress())).to.equal(0n);
      await expect(pending.reveal({ termsVersion: 2 })).to.emit(datanets, "ContributionSubmitted");
    });

    it("reverts with DatanetBondAboveMax when the bond exceeds the contributor's maximum, and takes one at it", async function () {
      const { datanets, alice, commit } = await deploy();
      const pending = await commit(alice, 1, { size: 10 });
      await expect(pending.reveal({ maxBond: BOND - 1n }))
        .to.be.revertedWithCustomError(datanets, "DatanetBondAboveMax")
        .withArgs(1n, BOND, BOND - 1n);
      await expect(pending.reveal({ maxBond: BOND }))
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(1n, alice.address, 1, 10n));
    });
  });

  describe("surge bond", function () {
    /** A Datanet with a 1,000-byte day (so eighths of 125 bytes) and room for one contributor to fill it. */
    async function busyDay() {
      const f = await deploy();
      const id = await f.createDatanet({
        maxFileBytes: 5_000n,
        contributorDailyBytes: 100_000n,
        datanetDailyBytes: 1_000n,
      });
      await f.open.transfer(f.alice.address, ethers.parseEther("10000"));
      await startNextDay();
      return { ...f, id };
    }

    it("doubles the bond for every eighth of the day's budget past five eighths, as bondFor quotes", async function () {
      const { datanets, alice, submit, id } = await busyDay();
      // Bytes the day reaches with each submission, and the doublings the bond takes there.
      const steps: [number, bigint][] = [
        [500, 0n],
        [624, 0n],
        [625, 1n],
        [750, 2n],
        [999, 3n],
        [1_000, 4n],
        [1_500, 8n],
        [2_000, 12n],
      ];
      let used = 0;
      for (const [i, [reach, level]] of steps.entries()) {
        const size = BigInt(reach - used);
        const bond = BOND << level;
        expect(await datanets.bondFor(id, size), `quote at ${reach}`).to.equal(bond);
        await expect(submit(alice, 100 + i, { datanetId: id, size }))
          .to.emit(datanets, "ContributionSubmitted")
          .withArgs(...submittedArgs(id, alice.address, 100 + i, size, { bond }));
        const c = await datanets.getContribution(id, contentHash(100 + i));
        expect([c.surgeLevel, c.bond]).to.deep.equal([level, bond]);
        used = reach;
      }
      expect(await datanets.datanetUsageToday(id)).to.equal(2_000n);
      await startNextDay();
      expect(await datanets.bondFor(id, 1n)).to.equal(BOND);
    });

    it("refunds the whole surge bond on acceptance and slashes it all on rejection", async function () {
      const { datanets, alice, submit, vote, v1, v2, id } = await busyDay();
      await submit(alice, 1, { datanetId: id, size: 1_000 });
      await submit(alice, 2, { datanetId: id, size: 125 });
      const [first, second] = [BOND << 4n, BOND << 5n];
      await vote(v1, 1, true, id);
      await expect(vote(v2, 1, true, id))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(...acceptedArgs(id, alice.address, 1, 1n, ethers.ZeroHash, first));
      expect(await datanets.bondCredit(alice.address)).to.equal(first);
      await vote(v1, 2, false, id);
      await expect(vote(v2, 2, false, id))
        .to.emit(datanets, "ContributionRejected")
        .withArgs(id, idOf(id, contentHash(2)), alice.address, second);
      expect(await datanets.treasuryBalance(id)).to.equal(second);
    });

    it("refunds the terms' bond on expiry and keeps the surge above it in the treasury", async function () {
      const { datanets, open, alice, submit, id } = await busyDay();
      await submit(alice, 1, { datanetId: id, size: 875 });
      const bond = BOND << 3n;
      await time.increase(WINDOW + 1n);
      const tx = datanets.reclaimBond(id, contentHash(1));
      await expect(tx)
        .to.emit(datanets, "ContributionExpired")
        .withArgs(id, idOf(id, contentHash(1)), alice.address, BOND, bond - BOND);
      await expect(tx).to.changeTokenBalances(open, [alice, datanets], [BOND, -BOND]);
      expect(await datanets.treasuryBalance(id)).to.equal(bond - BOND);
    });

    it("keeps the budget a hard limit on a Datanet without bond, and quotes no bond there", async function () {
      const { datanets, alice, submit, createDatanet } = await deploy();
      const id = await createDatanet({ bond: 0n, datanetDailyBytes: 1_000n });
      await startNextDay();
      expect(await datanets.bondFor(id, 1_000n)).to.equal(0n);
      await submit(alice, 1, { datanetId: id, size: 1_000 });
      await expect(submit(alice, 2, { datanetId: id, size: 1 }))
        .to.be.revertedWithCustomError(datanets, "DatanetDailyBytesExceeded")
        .withArgs(id, 1n, 0n);
    });

    it("never overflows the day's byte count on a Datanet whose limits are effectively off", async function () {
      const { datanets, alice, bob, submit, createDatanet } = await deploy();
      const max = 2n ** 64n - 1n;
      const id = await createDatanet({
        bond: 1n,
        maxFileBytes: max,
        contributorDailyBytes: max,
        datanetDailyBytes: max,
      });
      await startNextDay();
      await submit(alice, 1, { datanetId: id, size: max });
      await submit(bob, 2, { datanetId: id, size: max });
      expect(await datanets.datanetUsageToday(id)).to.equal(max);
      // At the saturated count the bond stays at its cap for this budget: 16×.
      expect(await datanets.bondFor(id, 1n)).to.equal(1n << 4n);
    });

    it("reverts bondFor with DatanetNonexistent for an unknown Datanet", async function () {
      const { datanets } = await deploy();
      await expect(datanets.bondFor(9n, 1n)).to.be.revertedWithCustomError(datanets, "DatanetNonexistent").withArgs(9n);
    });
  });

  describe("takeover by an earlier commitment", function () {
    it("hands a pending copy to the submission committed earlier, refunding the copy's bond to its credit", async function () {
      const { datanets, alice, bob, commit, submit, vote, v1, v2 } = await deploy();
      const authors = await commit(alice, 1);
      await submit(bob, 1);
      await vote(v1, 1, false);

      const second = laterIdOf(1n, contentHash(1), 2);
      const tx = authors.reveal();
      await expect(tx)
        .to.emit(datanets, "ContributionSuperseded")
        .withArgs(1n, idOf(1n, contentHash(1)), bob.address, BOND);
      await expect(tx)
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(1n, alice.address, 1, 1_000n, { id: second }));
      expect(await datanets.bondCredit(bob.address)).to.equal(BOND);
      const c = await datanets.getContribution(1n, contentHash(1));
      expect([c.contributionId, c.contributor, c.attempt, c.acceptMask, c.rejectMask]).to.deep.equal([
        second,
        alice.address,
        2n,
        0n,
        0n,
      ]);
      expect(c.committedAt).to.be.lessThan(c.submittedAt - 1n);
      // The copy's votes do not carry over: the author's attempt is reviewed afresh.
      await vote(v1, 1, true);
      await expect(vote(v2, 1, true))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(1n, second, alice.address, contentHash(1), 1n, fold(ethers.ZeroHash, second, contentHash(1)), BOND);
      expect(await datanets.reputation(1n, alice.address)).to.deep.equal([1n, 0n, 1_000n]);
      expect(await datanets.reputation(1n, bob.address)).to.deep.equal([0n, 0n, 0n]);
    });

    it("refuses a later or equally early commitment with DatanetDuplicateContent", async function () {
      const { datanets, alice, bob, carol, commit } = await deploy();
      const salts = [freshSalt(), freshSalt()];
      const commitments = await Promise.all(
        [alice, bob].map((who, i) => datanets.commitmentOf(who.address, 1n, contentHash(1), salts[i])),
      );
      await mineInOneBlock(async () => {
        await datanets.connect(alice).commit(commitments[0], { gasLimit: 100_000 });
        await datanets.connect(bob).commit(commitments[1], { gasLimit: 100_000 });
      });
      const later = await commit(carol, 1);
      const request = (salt: string) => ({
        datanetId: 1n,
        contentHash: contentHash(1),
        size: 1_000,
        termsVersion: 1,
        maxBond: BOND,
        salt,
      });
      await datanets.connect(alice).submit(request(salts[0]), "ipfs://c1");
      await expect(datanets.connect(bob).submit(request(salts[1]), "ipfs://c1"))
        .to.be.revertedWithCustomError(datanets, "DatanetDuplicateContent")
        .withArgs(1n, contentHash(1), idOf(1n, contentHash(1)));
      await expect(later.reveal())
        .to.be.revertedWithCustomError(datanets, "DatanetDuplicateContent")
        .withArgs(1n, contentHash(1), idOf(1n, contentHash(1)));
    });
  });

  describe("vote", function () {
    it("records votes below quorum in the masks without deciding", async function () {
      const { datanets, alice, submit, vote, v1, v2 } = await deploy();
      await submit(alice, 1);
      const id = idOf(1n, contentHash(1));
      await expect(vote(v1, 1, true))
        .to.emit(datanets, "VoteCast")
        .withArgs(1n, id, v1.address, true);
      await expect(vote(v2, 1, false))
        .to.emit(datanets, "VoteCast")
        .withArgs(1n, id, v2.address, false)
        .and.not.to.emit(datanets, "ContributionRejected");
      const c = await datanets.getContribution(1n, contentHash(1));
      expect(c.status).to.equal(Status.Pending);
      // Bits follow the validators' positions in the terms' list: v1 is 0, v2 is 1.
      expect(c.acceptMask).to.equal(0b01n);
      expect(c.rejectMask).to.equal(0b10n);
    });

    it("accepts on the first accept when the quorum is 1", async function () {
      const { datanets, alice, submit, vote, v3, createDatanet } = await deploy();
      const id = await createDatanet({ quorum: 1 });
      await submit(alice, 1, { datanetId: id });
      const cid = idOf(id, contentHash(1));
      await expect(vote(v3, 1, true, id))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(id, cid, alice.address, contentHash(1), 1n, fold(ethers.ZeroHash, cid, contentHash(1)), BOND);
      expect((await datanets.getContribution(id, contentHash(1))).status).to.equal(Status.Accepted);
    });

    it("rejects on the first reject when the quorum is 1", async function () {
      const { datanets, alice, submit, vote, v2, createDatanet } = await deploy();
      const id = await createDatanet({ quorum: 1 });
      await submit(alice, 1, { datanetId: id });
      await expect(vote(v2, 1, false, id))
        .to.emit(datanets, "ContributionRejected")
        .withArgs(id, idOf(id, contentHash(1)), alice.address, BOND);
    });

    it("needs every validator when the quorum equals the validator count", async function () {
      const { datanets, alice, submit, vote, v1, v2, v3, createDatanet } = await deploy();
      const id = await createDatanet({ quorum: 3 });
      await submit(alice, 1, { datanetId: id });
      await expect(vote(v1, 1, true, id)).to.not.emit(datanets, "ContributionAccepted");
      await expect(vote(v2, 1, true, id)).to.not.emit(datanets, "ContributionAccepted");
      await expect(vote(v3, 1, true, id))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(...acceptedArgs(id, alice.address, 1, 1n, ethers.ZeroHash));
    });

    it("counts every slot of a full 32-validator set, up to a quorum of 32", async function () {
      const { datanets, alice, submit, createDatanet } = await deploy();
      const validators = syntheticAddresses(32);
      const id = await createDatanet({ quorum: 32 }, validators);
      await submit(alice, 1, { datanetId: id });
      const cid = idOf(id, contentHash(1));
      for (const [i, address] of validators.entries()) {
        await impersonateAccount(address);
        await setBalance(address, ethers.parseEther("1"));
        const tx = datanets.connect(await ethers.getSigner(address)).vote(id, contentHash(1), true);
        if (i < 31) await expect(tx).to.not.emit(datanets, "ContributionAccepted");
        else
          await expect(tx)
            .to.emit(datanets, "ContributionAccepted")
            .withArgs(...acceptedArgs(id, alice.address, 1, 1n, ethers.ZeroHash));
      }
      expect((await datanets.getContribution(id, contentHash(1))).acceptMask).to.equal(0xffffffffn);
    });

    it("leaves a contribution with split votes pending until it expires", async function () {
      const { datanets, open, alice, submit, vote, v1, v2, v3, createDatanet } = await deploy();
      const id = await createDatanet({ quorum: 3 });
      await submit(alice, 1, { datanetId: id });
      const cid = idOf(id, contentHash(1));
      await vote(v1, 1, true, id);
      await vote(v2, 1, true, id);
      await expect(vote(v3, 1, false, id))
        .to.not.emit(datanets, "ContributionAccepted")
        .and.not.to.emit(datanets, "ContributionRejected");
      expect((await datanets.getContribution(id, contentHash(1))).status).to.equal(Status.Pending);

      await time.increaseTo((await datanets.reviewDeadline(id, contentHash(1))) + 1n);
      await expect(datanets.reclaimBond(id, contentHash(1))).to.changeTokenBalances(
        open,
        [alice, datanets],
        [BOND, -BOND],
      );
      expect((await datanets.getContribution(id, contentHash(1))).status).to.equal(Status.Expired);
    });

    it("lets a validator removed mid-review decide contributions submitted before the removal only", async function () {
      const { datanets, owner, alice, bob, submit, vote, v1, v2, v3 } = await deploy();
      await submit(alice, 1);
      await vote(v1, 1, true);
      await datanets.connect(owner).setValidators(1n, [v1.address, v2.address]);
      await submit(bob, 2);

      await expect(vote(v3, 1, true))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(...acceptedArgs(1n, alice.address, 1, 1n, ethers.ZeroHash));
      await expect(vote(v3, 2, true))
        .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedValidator")
        .withArgs(idOf(1n, contentHash(2)), v3.address);
    });

    it("reverts with DatanetSelfReview when a validator votes on its own contribution", async function () {
      const { datanets, alice, v1, submit, vote, createDatanet } = await deploy();
      const id = await createDatanet({ quorum: 1 }, [alice.address, v1.address]);
      await submit(alice, 1, { datanetId: id });
      const cid = idOf(id, contentHash(1));
      for (const accept of [true, false]) {
        await expect(vote(alice, 1, accept, id))
          .to.be.revertedWithCustomError(datanets, "DatanetSelfReview")
          .withArgs(cid, alice.address);
      }
      await expect(vote(v1, 1, true, id))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(...acceptedArgs(id, alice.address, 1, 1n, ethers.ZeroHash));
    });

    it("reverts with DatanetAlreadyVoted on a second vote, whichever way", async function () {
      const { datanets, alice, submit, vote, v1 } = await deploy();
      await submit(alice, 1);
      await vote(v1, 1, true);
      for (const accept of [true, false]) {
        await expect(vote(v1, 1, accept))
          .to.be.revertedWithCustomError(datanets, "DatanetAlreadyVoted")
          .withArgs(idOf(1n, contentHash(1)), v1.address);
      }
    });

    it("reverts with DatanetUnauthorizedValidator for an account outside the validator set", async function () {
      const { datanets, alice, owner, outsider, submit, vote } = await deploy();
      await submit(alice, 1);
      for (const who of [outsider, owner]) {
        await expect(vote(who, 1, true))
          .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedValidator")
          .withArgs(idOf(1n, contentHash(1)), who.address);
      }
    });

    it("accepts a vote exactly at the deadline and reverts with DatanetReviewWindowClosed one second later", async function () {
      const { datanets, alice, submit, vote, v1, v2 } = await deploy();
      await submit(alice, 1);
      const id = idOf(1n, contentHash(1));
      const deadline = await datanets.reviewDeadline(1n, contentHash(1));

      await time.setNextBlockTimestamp(deadline);
      await expect(vote(v1, 1, true))
        .to.emit(datanets, "VoteCast")
        .withArgs(1n, id, v1.address, true);
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(vote(v2, 1, true))
        .to.be.revertedWithCustomError(datanets, "DatanetReviewWindowClosed")
        .withArgs(id, deadline);
      expect((await datanets.getContribution(1n, contentHash(1))).status).to.equal(Status.Pending);
    });

    it("reverts with DatanetContributionNotPending once the contribution was accepted, rejected or expired", async function () {
      const { datanets, alice, submit, decide, vote, v3 } = await deploy();
      for (const n of [1, 2, 3]) await submit(alice, n);
      await decide(1, true);
      await decide(2, false);
      await time.increase(WINDOW + 1n);
      await datanets.reclaimBond(1n, contentHash(3));

      const cases: [number, bigint][] = [
        [1, Status.Accepted],
        [2, Status.Rejected],
        [3, Status.Expired],
      ];
      for (const [n, status] of cases) {
        await expect(vote(v3, n, true))
          .to.be.revertedWithCustomError(datanets, "DatanetContributionNotPending")
          .withArgs(idOf(1n, contentHash(n)), status);
      }
    });

    it("reverts with DatanetContributionNonexistent for content never submitted to that Datanet", async function () {
      const { datanets, alice, submit, vote, v1 } = await deploy();
      await submit(alice, 1);
      await expect(vote(v1, 404, true))
        .to.be.revertedWithCustomError(datanets, "DatanetContributionNonexistent")
        .withArgs(idOf(1n, contentHash(404)));
      await expect(vote(v1, 1, true, 2n))
        .to.be.revertedWithCustomError(datanets, "DatanetContributionNonexistent")
        .withArgs(idOf(2n, contentHash(1)));
    });
  });

  describe("acceptance", function () {
    it("folds each acceptance into the running digest in acceptance order", async function () {
      const { datanets, alice, bob, submit, decide, vote, v1, v3 } = await deploy();
      await submit(alice, 1, { size: 100 });
      await submit(bob, 2, { size: 200 });
      const [h1, h2] = [contentHash(1), contentHash(2)];
      const [id1, id2] = [idOf(1n, h1), idOf(1n, h2)];
      // Accept in the opposite order of submission: the digest follows acceptances, not submissions.
      const d1 = fold(ethers.ZeroHash, id2, h2);
      const d2 = fold(d1, id1, h1);

      await expect(decide(2, true)).to.not.be.reverted;
      expect(await datanets.currentDigest(1n)).to.deep.equal([1n, d1]);
      await vote(v3, 1, true);
      await expect(vote(v1, 1, true))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(1n, id1, alice.address, h1, 2n, d2, BOND);
      expect(await datanets.currentDigest(1n)).to.deep.equal([2n, d2]);
    });

    it("emits ContributionAccepted with the index, digest and refund on the deciding vote", async function () {
      const { datanets, alice, submit, vote, v1, v3 } = await deploy();
      await submit(alice, 7);
      const id = idOf(1n, contentHash(7));
      await vote(v3, 7, true);
      await expect(vote(v1, 7, true))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(1n, id, alice.address, contentHash(7), 1n, fold(ethers.ZeroHash, id, contentHash(7)), BOND);
    });

    it("credits the bond to the contributor's bond credit without moving tokens", async function () {
      const { datanets, open, alice, submit, vote, v1, v2 } = await deploy();
      await submit(alice, 1);
      await vote(v1, 1, true);
      await expect(vote(v2, 1, true)).to.changeTokenBalances(open, [alice, datanets], [0n, 0n]);
      expect(await datanets.bondCredit(alice.address)).to.equal(BOND);
      expect(await datanets.treasuryBalance(1n)).to.equal(0n);
    });

    it("counts accepted contributions and their bytes in the contributor's reputation", async function () {
      const { datanets, alice, bob, submit, decide } = await deploy();
      expect(await datanets.reputation(1n, alice.address)).to.deep.equal([0n, 0n, 0n]);
      await submit(alice, 1, { size: 100 });
      await submit(alice, 2, { size: 250 });
      await submit(bob, 3, { size: 999 });
      await decide(1, true);
      await decide(2, true);
      await decide(3, false);
      expect(await datanets.reputation(1n, alice.address)).to.deep.equal([2n, 0n, 350n]);
      expect(await datanets.reputation(1n, bob.address)).to.deep.equal([0n, 1n, 0n]);
      // Reputation is per Datanet.
      expect(await datanets.reputation(2n, alice.address)).to.deep.equal([0n, 0n, 0n]);
    });

    it("credits nothing for a zero bond", async function () {
      const { datanets, alice, submit, vote, v1, createDatanet } = await deploy();
      const id = await createDatanet({ bond: 0n, quorum: 1 });
      await submit(alice, 1, { datanetId: id });
      await expect(vote(v1, 1, true, id))
        .to.emit(datanets, "ContributionAccepted")
        .withArgs(...acceptedArgs(id, alice.address, 1, 1n, ethers.ZeroHash, 0n));
      expect(await datanets.bondCredit(alice.address)).to.equal(0n);
    });
  });

  describe("rejection", function () {
    it("slashes the bond to the Datanet treasury without moving tokens", async function () {
      const { datanets, open, alice, submit, vote, v1, v2 } = await deploy();
      await submit(alice, 1);
      await vote(v1, 1, false);
      const tx = vote(v2, 1, false);
      await expect(tx)
        .to.emit(datanets, "ContributionRejected")
        .withArgs(1n, idOf(1n, contentHash(1)), alice.address, BOND);
      await expect(tx).to.changeTokenBalances(open, [alice, datanets], [0n, 0n]);
      expect(await datanets.treasuryBalance(1n)).to.equal(BOND);
      expect(await datanets.bondCredit(alice.address)).to.equal(0n);
      expect((await datanets.getContribution(1n, contentHash(1))).status).to.equal(Status.Rejected);
    });

    it("counts the rejection in the reputation and leaves the digest alone", async function () {
      const { datanets, alice, submit, decide } = await deploy();
      await submit(alice, 1);
      await decide(1, false);
      expect(await datanets.reputation(1n, alice.address)).to.deep.equal([0n, 1n, 0n]);
      expect(await datanets.currentDigest(1n)).to.deep.equal([0n, ethers.ZeroHash]);
    });
  });

  describe("reclaimBond", function () {
    it("reverts with DatanetReviewWindowOpen up to and including the deadline", async function () {
      const { datanets, alice, submit } = await deploy();
      await submit(alice, 1);
      const id = idOf(1n, contentHash(1));
      const deadline = await datanets.reviewDeadline(1n, contentHash(1));
      await expect(datanets.reclaimBond(1n, contentHash(1)))
        .to.be.revertedWithCustomError(datanets, "DatanetReviewWindowOpen")
        .withArgs(id, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(datanets.reclaimBond(1n, contentHash(1)))
        .to.be.revertedWithCustomError(datanets, "DatanetReviewWindowOpen")
        .withArgs(id, deadline);
    });

    it("lets anyone expire the contribution after the deadline and always pays the contributor", async function () {
      const { datanets, open, alice, outsider, submit, vote, v1 } = await deploy();
      await submit(alice, 1);
      await vote(v1, 1, true);
      const id = idOf(1n, contentHash(1));
      await time.setNextBlockTimestamp((await datanets.reviewDeadline(1n, contentHash(1))) + 1n);

      const tx = datanets.connect(outsider).reclaimBond(1n, contentHash(1));
      await expect(tx).to.emit(datanets, "ContributionExpired").withArgs(1n, id, alice.address, BOND, 0n);
      await expect(tx).to.changeTokenBalances(open, [alice, datanets, outsider], [BOND, -BOND, 0n]);
      expect((await datanets.getContribution(1n, contentHash(1))).status).to.equal(Status.Expired);
      // Expiry is neither an acceptance nor a rejection.
      expect(await datanets.reputation(1n, alice.address)).to.deep.equal([0n, 0n, 0n]);
      expect(await datanets.bondCredit(alice.address)).to.equal(0n);
    });

    it("refunds a bond paid from credit to the wallet", async function () {
      const { datanets, open, alice, submit, decide } = await deploy();
      await submit(alice, 1);
      await decide(1, true);
      await submit(alice, 2);
      await time.increase(WINDOW + 1n);
      await expect(datanets.reclaimBond(1n, contentHash(2))).to.changeTokenBalances(
        open,
        [alice, datanets],
        [BOND, -BOND],
      );
      expect(await datanets.bondCredit(alice.address)).to.equal(0n);
    });

    it("expires a zero-bond contribution without a transfer", async function () {
      const { datanets, open, alice, submit, createDatanet } = await deploy();
      const id = await createDatanet({ bond: 0n });
      await submit(alice, 1, { datanetId: id });
      await time.increase(WINDOW + 1n);
      const tx = datanets.reclaimBond(id, contentHash(1));
      await expect(tx)
        .to.emit(datanets, "ContributionExpired")
        .withArgs(id, idOf(id, contentHash(1)), alice.address, 0n, 0n);
      await expect(tx).to.not.emit(open, "Transfer");
    });

    it("reverts with DatanetContributionNonexistent for content never submitted", async function () {
      const { datanets } = await deploy();
      await expect(datanets.reclaimBond(1n, contentHash(9)))
        .to.be.revertedWithCustomError(datanets, "DatanetContributionNonexistent")
        .withArgs(idOf(1n, contentHash(9)));
    });
  });

  describe("bond settlement", function () {
    const paths: [string, bigint][] = [
      ["an accepted", Status.Accepted],
      ["a rejected", Status.Rejected],
      ["an expired", Status.Expired],
    ];
    for (const [path, status] of paths) {
      it(`moves the bond of ${path} contribution exactly once`, async function () {
        const { datanets, alice, outsider, submit, decide, vote, v3, ledger } = await deploy();
        await submit(alice, 1);
        const id = idOf(1n, contentHash(1));
        if (status === Status.Expired) {
          await time.increase(WINDOW + 1n);
          await datanets.reclaimBond(1n, contentHash(1));
        } else {
          await decide(1, status === Status.Accepted);
        }
        const settled = await ledger();

        await expect(vote(v3, 1, true))
          .to.be.revertedWithCustomError(datanets, "DatanetContributionNotPending")
          .withArgs(id, status);
        await expect(vote(v3, 1, false))
          .to.be.revertedWithCustomError(datanets, "DatanetContributionNotPending")
          .withArgs(id, status);
        await time.increase(WINDOW + 1n);
        for (const caller of [alice, outsider]) {
          await expect(datanets.connect(caller).reclaimBond(1n, contentHash(1)))
            .to.be.revertedWithCustomError(datanets, "DatanetContributionNotPending")
            .withArgs(id, status);
        }
        expect(await ledger()).to.deep.equal(settled);
        expect((await datanets.getContribution(1n, contentHash(1))).status).to.equal(status);
      });
    }
  });

  describe("withdrawBondCredit", function () {
    it("sends credit to any receiver and reduces the credit", async function () {
      const { datanets, open, alice, bob, submit, decide } = await deploy();
      await submit(alice, 1);
      await decide(1, true);
      const part = ethers.parseEther("0.4");

      const tx = datanets.connect(alice).withdrawBondCredit(bob.address, part);
      await expect(tx).to.emit(datanets, "BondCreditWithdrawn").withArgs(alice.address, bob.address, part);
      await expect(tx).to.changeTokenBalances(open, [datanets, bob, alice], [-part, part, 0n]);
      expect(await datanets.bondCredit(alice.address)).to.equal(BOND - part);

      await expect(datanets.connect(alice).withdrawBondCredit(alice.address, BOND - part)).to.changeTokenBalances(
        open,
        [datanets, alice],
        [-(BOND - part), BOND - part],
      );
      expect(await datanets.bondCredit(alice.address)).to.equal(0n);
      // With the credit spent, the next bond comes from the wallet again.
      await expect(submit(alice, 2))
        .to.emit(datanets, "ContributionSubmitted")
        .withArgs(...submittedArgs(1n, alice.address, 2, 1_000n));
    });

    it("reverts with DatanetInsufficientBalance above the available credit", async function () {
      const { datanets, alice, bob, submit, decide } = await deploy();
      await expect(datanets.connect(bob).withdrawBondCredit(bob.address, 1n))
        .to.be.revertedWithCustomError(datanets, "DatanetInsufficientBalance")
        .withArgs(1n, 0n);
      await submit(alice, 1);
      await decide(1, true);
      await expect(datanets.connect(alice).withdrawBondCredit(alice.address, BOND + 1n))
        .to.be.revertedWithCustomError(datanets, "DatanetInsufficientBalance")
        .withArgs(BOND + 1n, BOND);
    });

    it("reverts with DatanetInvalidReceiver for the zero address", async function () {
      const { datanets, alice, submit, decide } = await deploy();
      await submit(alice, 1);
      await decide(1, true);
      await expect(datanets.connect(alice).withdrawBondCredit(ethers.ZeroAddress, 1n))
        .to.be.revertedWithCustomError(datanets, "DatanetInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("withdrawTreasury", function () {
    it("sends slashed bonds to the owner's chosen receiver", async function () {
      const { datanets, open, owner, carol, alice, submit, decide } = await deploy();
      await submit(alice, 1);
      await decide(1, false);
      const part = ethers.parseEther("0.25");

      const tx = datanets.connect(owner).withdrawTreasury(1n, carol.address, part);
      await expect(tx).to.emit(datanets, "TreasuryWithdrawn").withArgs(1n, carol.address, part);
      await expect(tx).to.changeTokenBalances(open, [datanets, carol, owner], [-part, part, 0n]);
      expect(await datanets.treasuryBalance(1n)).to.equal(BOND - part);
    });

    it("reverts with DatanetInsufficientBalance above the treasury balance", async function () {
      const { datanets, owner, alice, submit, decide, createDatanet } = await deploy();
      await submit(alice, 1);
      await decide(1, false);
      await expect(datanets.connect(owner).withdrawTreasury(1n, owner.address, BOND + 1n))
        .to.be.revertedWithCustomError(datanets, "DatanetInsufficientBalance")
        .withArgs(BOND + 1n, BOND);
      // Treasuries are per Datanet: another Datanet of the same owner cannot draw on this one.
      const other = await createDatanet();
      await expect(datanets.connect(owner).withdrawTreasury(other, owner.address, 1n))
        .to.be.revertedWithCustomError(datanets, "DatanetInsufficientBalance")
        .withArgs(1n, 0n);
    });

    it("reverts with DatanetInvalidReceiver for the zero address", async function () {
      const { datanets, owner } = await deploy();
      await expect(datanets.connect(owner).withdrawTreasury(1n, ethers.ZeroAddress, 0n))
        .to.be.revertedWithCustomError(datanets, "DatanetInvalidReceiver")
        .withArgs(ethers.ZeroAddress);
    });

    it("reverts for anyone but the owner and for an unknown Datanet", async function () {
      const { datanets, owner, alice, submit, decide } = await deploy();
      await submit(alice, 1);
      await decide(1, false);
      await expect(datanets.connect(alice).withdrawTreasury(1n, alice.address, 1n))
        .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedOwner")
        .withArgs(1n, alice.address);
      await expect(datanets.connect(owner).withdrawTreasury(5n, owner.address, 0n))
        .to.be.revertedWithCustomError(datanets, "DatanetNonexistent")
        .withArgs(5n);
    });
  });

  describe("versions", function () {
    it("starts with an empty digest and no versions", async function () {
      const { datanets } = await deploy();
      expect(await datanets.currentDigest(1n)).to.deep.equal([0n, ethers.ZeroHash]);
      expect(await datanets.versionCount(1n)).to.equal(0n);
    });

    it("reverts with DatanetVersionUnchanged before any acceptance", async function () {
      const { datanets, owner, alice, submit, decide } = await deploy();
      await submit(alice, 1);
      await decide(1, false);
      await expect(datanets.connect(owner).publishVersion(1n))
        .to.be.revertedWithCustomError(datanets, "DatanetVersionUnchanged")
        .withArgs(1n, 0n);
    });

    it("publishes snapshots of the count and digest and refuses one without new acceptances", async function () {
      const { datanets, owner, alice, bob, submit, decide } = await deploy();
      for (const [who, n] of [
        [alice, 1],
        [bob, 2],
        [alice, 3],
      ] as const)
        await submit(who, n);
      await decide(1, true);
      await decide(2, true);
      const d1 = fold(ethers.ZeroHash, idOf(1n, contentHash(1)), contentHash(1));
      const d2 = fold(d1, idOf(1n, contentHash(2)), contentHash(2));

      expect(await datanets.connect(owner).publishVersion.staticCall(1n)).to.equal(1n);
      await expect(datanets.connect(owner).publishVersion(1n))
        .to.emit(datanets, "VersionPublished")
        .withArgs(1n, 1n, 2n, d2);
      const publishedAt = BigInt(await time.latest());
      expect(await datanets.versionCount(1n)).to.equal(1n);
      expect(await datanets.getVersion(1n, 1n)).to.deep.equal([2n, publishedAt, d2]);

      await expect(datanets.connect(owner).publishVersion(1n))
        .to.be.revertedWithCustomError(datanets, "DatanetVersionUnchanged")
        .withArgs(1n, 2n);

      await decide(3, true);
      const d3 = fold(d2, idOf(1n, contentHash(3)), contentHash(3));
      await expect(datanets.connect(owner).publishVersion(1n))
        .to.emit(datanets, "VersionPublished")
        .withArgs(1n, 2n, 3n, d3);
      expect(await datanets.versionCount(1n)).to.equal(2n);
      expect((await datanets.getVersion(1n, 2n)).digest).to.equal(d3);
      // Published versions are immutable snapshots.
      expect(await datanets.getVersion(1n, 1n)).to.deep.equal([2n, publishedAt, d2]);
      expect(await datanets.currentDigest(1n)).to.deep.equal([3n, d3]);
    });

    it("reverts with DatanetVersionNonexistent for version 0 and for one past the last", async function () {
      const { datanets, owner, alice, submit, decide } = await deploy();
      await expect(datanets.getVersion(1n, 1n))
        .to.be.revertedWithCustomError(datanets, "DatanetVersionNonexistent")
        .withArgs(1n, 1n);
      await submit(alice, 1);
      await decide(1, true);
      await datanets.connect(owner).publishVersion(1n);
      for (const version of [0n, 2n]) {
        await expect(datanets.getVersion(1n, version))
          .to.be.revertedWithCustomError(datanets, "DatanetVersionNonexistent")
          .withArgs(1n, version);
      }
    });

    it("reverts publishVersion for anyone but the owner and for an unknown Datanet", async function () {
      const { datanets, owner, v1 } = await deploy();
      await expect(datanets.connect(v1).publishVersion(1n))
        .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedOwner")
        .withArgs(1n, v1.address);
      await expect(datanets.connect(owner).publishVersion(2n))
        .to.be.revertedWithCustomError(datanets, "DatanetNonexistent")
        .withArgs(2n);
      await expect(datanets.currentDigest(2n))
        .to.be.revertedWithCustomError(datanets, "DatanetNonexistent")
        .withArgs(2n);
    });
  });

  describe("model access", function () {
    it("lets anyone train on an open Datanet", async function () {
      const { datanets, outsider } = await deploy();
      expect(await datanets.canTrainOn(1n, outsider.address)).to.equal(true);
    });

    it("lets only approved accounts train on a permissioned Datanet, until revoked", async function () {
      const { datanets, owner, bob, carol, createDatanet } = await deploy();
      const id = await createDatanet({ accessMode: AccessMode.Permissioned });
      expect(await datanets.canTrainOn(id, bob.address)).to.equal(false);

      await expect(datanets.connect(owner).setModelAccess(id, bob.address, true))
        .to.emit(datanets, "ModelAccessSet")
        .withArgs(id, bob.address, true);
      expect(await datanets.canTrainOn(id, bob.address)).to.equal(true);
      expect(await datanets.canTrainOn(id, carol.address)).to.equal(false);

      await expect(datanets.connect(owner).setModelAccess(id, bob.address, false))
        .to.emit(datanets, "ModelAccessSet")
        .withArgs(id, bob.address, false);
      expect(await datanets.canTrainOn(id, bob.address)).to.equal(false);
    });

    it("applies an access-mode change of the policy immediately", async function () {
      const { datanets, owner, bob } = await deploy();
      await datanets.connect(owner).setPolicy(1n, defaultPolicy({ accessMode: AccessMode.Permissioned }));
      expect(await datanets.canTrainOn(1n, bob.address)).to.equal(false);
      await datanets.connect(owner).setModelAccess(1n, bob.address, true);
      await datanets.connect(owner).setPolicy(1n, defaultPolicy({ accessMode: AccessMode.Open }));
      expect(await datanets.canTrainOn(1n, bob.address)).to.equal(true);
    });

    it("reverts for anyone but the owner and for an unknown Datanet", async function () {
      const { datanets, owner, bob } = await deploy();
      await expect(datanets.connect(bob).setModelAccess(1n, bob.address, true))
        .to.be.revertedWithCustomError(datanets, "DatanetUnauthorizedOwner")
        .withArgs(1n, bob.address);
      await expect(datanets.connect(owner).setModelAccess(2n, bob.address, true))
        .to.be.revertedWithCustomError(datanets, "DatanetNonexistent")
        .withArgs(2n);
      await expect(datanets.canTrainOn(2n, bob.address))
        .to.be.revertedWithCustomError(datanets, "DatanetNonexistent")
        .withArgs(2n);
    });
  });

  describe("views", function () {
    it("reports today's usage per contributor and per Datanet, and resets it the next day", async function () {
      const { datanets, alice, bob, submit } = await deploy();
      await startNextDay();
      expect(await datanets.contributorUsageToday(1n, alice.address)).to.deep.equal([0n, 0n]);
      await submit(alice, 1, { size: 300 });
      await submit(alice, 2, { size: 200 });
      await submit(bob, 3, { size: 100 });
      expect(await datanets.contributorUsageToday(1n, alice.address)).to.deep.equal([2n, 500n]);
      expect(await datanets.contributorUsageToday(1n, bob.address)).to.deep.equal([1n, 100n]);
      expect(await datanets.datanetUsageToday(1n)).to.equal(600n);

      await startNextDay();
      expect(await datanets.contributorUsageToday(1n, alice.address)).to.deep.equal([0n, 0n]);
      expect(await datanets.datanetUsageToday(1n)).to.equal(0n);
    });

    it("computes the review deadline from the submission time and the contribution's terms", async function () {
      const { datanets, owner, alice, submit, createDatanet } = await deploy();
      const id = await createDatanet({ reviewWindow: 90 });
      await submit(alice, 1, { datanetId: id });
      const submittedAt = BigInt(await time.latest());
      await datanets.connect(owner).setPolicy(id, defaultPolicy({ reviewWindow: 5 }));
      expect(await datanets.reviewDeadline(id, contentHash(1))).to.equal(submittedAt + 90n);
      await expect(datanets.reviewDeadline(id, contentHash(123)))
        .to.be.revertedWithCustomError(datanets, "DatanetContributionNonexistent")
        .withArgs(idOf(id, contentHash(123)));
    });

    it("returns an empty record with status None for an unknown contribution", async function () {
      const { datanets } = await deploy();
      const c = await datanets.getContribution(1n, contentHash(1));
      expect(c.status).to.equal(Status.None);
      expect(c.contributionId).to.equal(0n);
      expect(c.contributor).to.equal(ethers.ZeroAddress);
      expect(c.submittedAt).to.equal(0n);
    });

    it("derives a first attempt's id as keccak256(abi.encode(datanetId, contentHash)), later ones with the attempt", async function () {
      const { datanets } = await deploy();
      const cases: [bigint, string][] = [
        [1n, contentHash(1)],
        [0n, ethers.ZeroHash],
        [2n ** 64n - 1n, ethers.sha256("0x")],
        [ethers.MaxUint256, ethers.keccak256("0x01")],
      ];
      for (const [datanetId, hash] of cases) {
        expect(await datanets.contributionIdOf(datanetId, hash, 1)).to.equal(idOf(datanetId, hash));
        for (const attempt of [2, 3, 2 ** 32 - 1]) {
          expect(await datanets.contributionIdOf(datanetId, hash, attempt)).to.equal(
            laterIdOf(datanetId, hash, attempt),
          );
        }
      }
    });

    it("reverts currentTermsVersion with DatanetNonexistent for an unknown Datanet", async function () {
      const { datanets } = await deploy();
      await expect(datanets.currentTermsVersion(2n))
        .to.be.revertedWithCustomError(datanets, "DatanetNonexistent")
        .withArgs(2n);
    });
  });

  describe("test coverage of the interface", function () {
    it("asserts every custom error and event of IDatanetRegistry somewhere in this file", async function () {
      expect(
        unassertedErrorsAndEvents(__filename, IDatanetRegistry__factory.createInterface(), ["datanets"]),
      ).to.deep.equal([]);
    });
  });
});
