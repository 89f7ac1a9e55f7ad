import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Interface, ZeroAddress } from "ethers";
import {
  ContractRevertError,
  DatanetClient,
  UserRejectedError,
  DuplicateContentError,
  InsufficientFundsError,
  InvalidConfigurationError,
  InvalidInputError,
  LimitExceededError,
  NotFoundError,
  NothingToClaimError,
  ProtocolError,
  ReviewStateError,
  UnauthorizedError,
  UnknownRevertError,
  contributionIdOf,
  decodeRevert,
  findRevertData,
  sha256Hex,
  withDecodedErrors,
} from "../../sdk/src";
import type { DatanetPolicy, LimitName } from "../../sdk/src";
import {
  DatanetRegistry__factory,
  IModelController__factory,
  IModelOffering__factory,
  IModelShares__factory,
  IOfferingFactory__factory,
  IRewardDistributor__factory,
} from "../../typechain-types";
import { sharesFixture } from "../fixtures/shares";
import { DAY, sdkFixture, sdkPolicy } from "../fixtures/sdk";
import { rejection } from "../helpers/rejection";
import { expectEveryErrorTyped } from "../helpers/revertTable";

/** Limits small enough to hit with a few short strings; no bond, so that the Datanet's daily bytes are a hard limit. */
const LIMITS = {
  bond: 0n,
  maxFileBytes: 100n,
  contributorDailyFiles: 2,
  contributorDailyBytes: 150n,
  datanetDailyBytes: 250n,
};

/** {@link sdkFixture} plus Datanet 2, owned by `owner`, with {@link LIMITS} (validators v1, v2, v3, quorum 2). */
async function errorsFixture() {
  const f = await sdkFixture();
  const { datanetId: limitedId } = await f.client.createDatanet({
    uri: "ipfs://limited",
    policy: sdkPolicy(LIMITS),
    validators: [f.v1.address, f.v2.address, f.v3.address],
  });
  return { ...f, limitedId };
}

/** `0x` + the first 8 and the last 4 hex digits of an id, as the SDK abbreviates contribution ids. */
function shortId(id: bigint): string {
  const hex = id.toString(16).padStart(64, "0");
  return `0x${hex.slice(0, 8)}…${hex.slice(-4)}`;
}

const bytes = (n: number, fill = "x") => fill.repeat(n);

describe("SDK errors", function () {
  describe("LimitExceededError", function () {
    it("reports maxFileBytes when one contribution is larger than the Datanet allows", async function () {
      const { clients, limitedId, datanets, alice } = await loadFixture(errorsFixture);
      const error = await rejection(
        clients.alice.submit({ datanetId: limitedId, content: bytes(101) }),
        LimitExceededError,
      );
      expect(error).to.be.instanceOf(ContractRevertError).and.instanceOf(ProtocolError).and.instanceOf(Error);
      expect(error.limit).to.equal("maxFileBytes");
      expect(error.errorName).to.equal("DatanetFileTooLarge");
      expect(error.args).to.deep.equal({ datanetId: limitedId, size: 101n, maxFileBytes: 100n });
      expect(error.shortMessage).to.equal("Limit maxFileBytes: 101 bytes exceed Datanet 2's maximum of 100.");
      expect(error.message)
        .to.contain("maxFileBytes")
        .and.contain("Details: DatanetFileTooLarge(datanetId: 2, size: 101");
      expect(error.name).to.equal("LimitExceededError");
      expect(error.cause).to.not.equal(undefined);
      expect(await datanets.contributorUsageToday(limitedId, alice.address)).to.deep.equal([0n, 0n]);
    });

    it("accepts a contribution of exactly maxFileBytes", async function () {
      const { clients, limitedId } = await loadFixture(errorsFixture);
      const r = await clients.alice.submit({ datanetId: limitedId, content: bytes(100) });
      expect(r.size).to.equal(100);
    });

    it("reports contributorDailyFiles when a contributor submits once too often in a day", async function () {
      const { clients, limitedId, alice } = await loadFixture(errorsFixture);
      await clients.alice.submit({ datanetId: limitedId, content: "one" });
      await clients.alice.submit({ datanetId: limitedId, content: "two" });
      const error = await rejection(
        clients.alice.submit({ datanetId: limitedId, content: "three" }),
        LimitExceededError,
      );
      expect(error.limit).to.equal("contributorDailyFiles");
      expect(error.errorName).to.equal("DatanetContributorDailyFilesExceeded");
      expect(error.args).to.deep.equal({ datanetId: limitedId, contributor: alice.address, limit: 2n });
      expect(error.shortMessage).to.equal(
        `Limit contributorDailyFiles: ${alice.address} already made 2 submissions to Datanet 2 today.`,
      );
      // The reveal failed after the commitment was mined: the hint says how to reuse it.
      expect(error.hint).to.match(
        /^The counter resets at 00:00 UTC\. The commitment is recorded: retry with \{ salt: "0x[0-9a-f]{64}" \} to reuse it\.$/,
      );
      expect(error.message).to.contain(`Hint: ${error.hint}`);
    });

    it("reports contributorDailyBytes with the bytes requested and the bytes left", async function () {
      const { clients, limitedId, alice } = await loadFixture(errorsFixture);
      await clients.alice.submit({ datanetId: limitedId, content: bytes(100, "a") });
      const error = await rejection(
        clients.alice.submit({ datanetId: limitedId, content: bytes(60, "b") }),
        LimitExceededError,
      );
      expect(error.limit).to.equal("contributorDailyBytes");
      expect(error.args).to.deep.equal({
        datanetId: limitedId,
        contributor: alice.address,
        requested: 60n,
        remaining: 50n,
      });
      expect(error.shortMessage).to.equal(
        `Limit contributorDailyBytes: 60 bytes requested but ${alice.address} has 50 left today in Datanet 2.`,
      );
    });

    it("reports datanetDailyBytes when all contributors together exceed the Datanet's daily bytes", async function () {
      const { clients, limitedId } = await loadFixture(errorsFixture);
      await clients.alice.submit({ datanetId: limitedId, content: bytes(100, "a") });
      await clients.bob.submit({ datanetId: limitedId, content: bytes(100, "b") });
      const error = await rejection(
        clients.carol.submit({ datanetId: limitedId, content: bytes(60, "c") }),
        LimitExceededError,
      );
      expect(error.limit).to.equal("datanetDailyBytes");
      expect(error.errorName).to.equal("DatanetDailyBytesExceeded");
      expect(error.args).to.deep.equal({ datanetId: limitedId, requested: 60n, remaining: 50n });
      expect(error.shortMessage).to.equal(
        "Limit datanetDailyBytes: 60 bytes requested but Datanet 2 has 50 left today.",
      );
    });

    it("names every limit in its message", async function () {
      const { clients, limitedId } = await loadFixture(errorsFixture);
      const seen: LimitName[] = [];
      const attempt = async (p: Promise<unknown>) => {
        const error = await rejection(p, LimitExceededError);
        expect(error.shortMessage.startsWith(`Limit ${error.limit}:`)).to.equal(true);
        seen.push(error.limit);
      };
      await attempt(clients.alice.submit({ datanetId: limitedId, content: bytes(101) }));
      await clients.alice.submit({ datanetId: limitedId, content: bytes(100, "a") });
      await attempt(clients.alice.submit({ datanetId: limitedId, content: bytes(51, "b") }));
      await clients.alice.submit({ datanetId: limitedId, content: bytes(50, "b") });
      await attempt(clients.alice.submit({ datanetId: limitedId, content: "c" }));
      await clients.bob.submit({ datanetId: limitedId, content: bytes(100, "d") });
      await attempt(clients.carol.submit({ datanetId: limitedId, content: "e" }));
      expect(seen).to.deep.equal([
        "maxFileBytes",
        "contributorDailyBytes",
        "contributorDailyFiles",
        "datanetDailyBytes",
      ]);
    });

    it("stops refusing the next UTC day, as the hint says, and reuses the commitment with the salt it gives", async function () {
      const { clients, limitedId, alice } = await loadFixture(errorsFixture);
      await clients.alice.submit({ datanetId: limitedId, content: "one" });
      await clients.alice.submit({ datanetId: limitedId, content: "two" });
      const error = await rejection(
        clients.alice.submit({ datanetId: limitedId, content: "three" }),
        LimitExceededError,
      );
      const salt = /salt: "(0x[0-9a-f]{64})"/.exec(error.hint!)![1];
      await time.increase(DAY);
      const before = await ethers.provider.getTransactionCount(alice.address);
      const r = await clients.alice.submit({ datanetId: limitedId, content: "three", salt });
      expect(r.contentHash).to.equal(sha256Hex("three"));
      expect(r.salt).to.equal(salt);
      // Only the reveal was sent: the commitment made the day before still stood.
      expect(await ethers.provider.getTransactionCount(alice.address)).to.equal(before + 1);
    });
  });

  describe("DuplicateContentError", function () {
    it("names the Datanet and the existing contribution when someone resubmits content", async function () {
      const { clients, datanetId } = await loadFixture(errorsFixture);
      const first = await clients.alice.submit({ datanetId, content: "A unique e-mail." });
      const error = await rejection(
        clients.bob.submit({ datanetId, content: "A unique e-mail." }),
        DuplicateContentError,
      );
      expect(error.errorName).to.equal("DatanetDuplicateContent");
      expect(error.args).to.deep.equal({
        datanetId,
        contentHash: first.contentHash,
        contributionId: first.contributionId,
      });
      expect(error.shortMessage).to.equal(
        `This content is already pending or accepted in Datanet 1 as contribution ${shortId(first.contributionId)}.`,
      );
      expect(error.hint).to.contain("can be submitted again only once its contribution expired");
    });

    it("is thrown for the contributor's own resubmission too, and only per Datanet", async function () {
      const { clients, datanetId, limitedId } = await loadFixture(errorsFixture);
      await clients.alice.submit({ datanetId, content: "twice" });
      const error = await rejection(clients.alice.submit({ datanetId, content: "twice" }), DuplicateContentError);
      expect(error.args.contributionId).to.equal(contributionIdOf(datanetId, sha256Hex("twice")));
      const other = await clients.alice.submit({ datanetId: limitedId, content: "twice" });
      expect(other.contributionId).to.equal(contributionIdOf(limitedId, sha256Hex("twice")));
    });
  });

  describe("UnauthorizedError", function () {
    it("is thrown when an account that is not a validator votes", async function () {
      const { clients, datanetId, outsider } = await loadFixture(errorsFixture);
      const { contentHash, contributionId } = await clients.alice.submit({ datanetId, content: "vote on me" });
      const error = await rejection(clients.outsider.vote(datanetId, contentHash, true), UnauthorizedError);
      expect(error.errorName).to.equal("DatanetUnauthorizedValidator");
      expect(error.args).to.deep.equal({ contributionId, account: outsider.address });
      expect(error.shortMessage).to.equal(
        `${outsider.address} is not a validator of the terms contribution ${shortId(contributionId)} was submitted under.`,
      );
    });

    it("is thrown when an account other than the owner changes the policy", async function () {
      const { clients, datanetId, alice } = await loadFixture(errorsFixture);
      const error = await rejection(clients.alice.setPolicy(datanetId, sdkPolicy()), UnauthorizedError);
      expect(error.errorName).to.equal("DatanetUnauthorizedOwner");
      expect(error.args).to.deep.equal({ datanetId, account: alice.address });
      expect(error.shortMessage).to.equal(`${alice.address} is not the owner of Datanet 1.`);
      expect(error.hint).to.contain("owner");
    });
  });

  describe("ReviewStateError", function () {
    it("is thrown when a validator votes twice", async function () {
      const { clients, datanetId, v1 } = await loadFixture(errorsFixture);
      const { contentHash, contributionId } = await clients.alice.submit({ datanetId, content: "double vote" });
      await clients.v1.vote(datanetId, contentHash, true);
      const error = await rejection(clients.v1.vote(datanetId, contentHash, false), ReviewStateError);
      expect(error.errorName).to.equal("DatanetAlreadyVoted");
      expect(error.args).to.deep.equal({ contributionId, validator: v1.address });
      expect(error.shortMessage).to.equal(`${v1.address} already voted on contribution ${shortId(contributionId)}.`);
    });

    it("is thrown for a vote after the review window, with the deadline and the way out", async function () {
      const { clients, datanetId, datanets } = await loadFixture(errorsFixture);
      const { contentHash, contributionId } = await clients.alice.submit({ datanetId, content: "too late" });
      const deadline = await datanets.reviewDeadline(datanetId, contentHash);
      await time.increaseTo(deadline + 1n);
      const error = await rejection(clients.v1.vote(datanetId, contentHash, true), ReviewStateError);
      expect(error.errorName).to.equal("DatanetReviewWindowClosed");
      expect(error.args).to.deep.equal({ contributionId, deadline });
      const iso = new Date(Number(deadline) * 1000).toISOString().replace(".000Z", "Z");
      expect(error.shortMessage).to.equal(
        `The review window of contribution ${shortId(contributionId)} closed at ${iso}.`,
      );
      expect(error.hint).to.contain("reclaimBond");
    });

    it("is thrown for a vote on a contribution that is already settled, naming its status", async function () {
      const { clients, datanetId } = await loadFixture(errorsFixture);
      const { contentHash, contributionId } = await clients.alice.submit({ datanetId, content: "settled" });
      await clients.v1.vote(datanetId, contentHash, false);
      await clients.v2.vote(datanetId, contentHash, false);
      const error = await rejection(clients.v3.vote(datanetId, contentHash, true), ReviewStateError);
      expect(error.errorName).to.equal("DatanetContributionNotPending");
      expect(error.args).to.deep.equal({ contributionId, status: 3n });
      expect(error.shortMessage).to.equal(`Contribution ${shortId(contributionId)} is already Rejected.`);
    });

    it("is thrown when a validator votes on its own contribution", async function () {
      const { clients, datanetId, open, v1 } = await loadFixture(errorsFixture);
      await (await open.transfer(v1.address, ethers.parseEther("5"))).wait();
      const { contentHash, contributionId } = await clients.v1.submit({ datanetId, content: "mine" });
      const error = await rejection(clients.v1.vote(datanetId, contentHash, true), ReviewStateError);
      expect(error.errorName).to.equal("DatanetSelfReview");
      expect(error.args).to.deep.equal({ contributionId, validator: v1.address });
      expect(error.shortMessage).to.equal(
        `${v1.address} cannot vote on its own contribution ${shortId(contributionId)}.`,
      );
    });

    it("is thrown when a bond is reclaimed before the review window closes", async function () {
      const { clients, datanetId } = await loadFixture(errorsFixture);
      const { contentHash } = await clients.alice.submit({ datanetId, content: "early" });
      const error = await rejection(clients.alice.reclaimBond(datanetId, contentHash), ReviewStateError);
      expect(error.errorName).to.equal("DatanetReviewWindowOpen");
      expect(error.shortMessage).to.contain("its bond cannot be reclaimed yet");
    });

    it("is thrown when a version would publish nothing new", async function () {
      const { client, datanetId } = await loadFixture(errorsFixture);
      const error = await rejection(client.publishVersion(datanetId), ReviewStateError);
      expect(error.errorName).to.equal("DatanetVersionUnchanged");
      expect(error.args).to.deep.equal({ datanetId, count: 0n });
    });
  });

  describe("NotFoundError", function () {
    it("is thrown when submitting to a Datanet that does not exist", async function () {
      const { clients } = await loadFixture(errorsFixture);
      const error = await rejection(clients.alice.submit({ datanetId: 99n, content: "nowhere" }), NotFoundError);
      expect(error.errorName).to.equal("DatanetNonexistent");
      expect(error.args).to.deep.equal({ datanetId: 99n });
      expect(error.shortMessage).to.equal("Datanet 99 does not exist.");
    });

    it("is thrown when reading the policy of a Datanet that does not exist", async function () {
      const { client } = await loadFixture(errorsFixture);
      const error = await rejection(client.policy(0n), NotFoundError);
      expect(error.shortMessage).to.equal("Datanet 0 does not exist.");
    });

    it("is thrown when reclaiming the bond of content never submitted", async function () {
      const { clients, datanetId } = await loadFixture(errorsFixture);
      const hash = sha256Hex("never submitted");
      const error = await rejection(clients.alice.reclaimBond(datanetId, hash), NotFoundError);
      expect(error.errorName).to.equal("DatanetContributionNonexistent");
      expect(error.args).to.deep.equal({ contributionId: contributionIdOf(datanetId, hash) });
    });

    it("is thrown when verifying a version that was never published", async function () {
      const { client, datanetId } = await loadFixture(errorsFixture);
      const error = await rejection(client.verifyVersion(datanetId, 3), NotFoundError);
      expect(error.errorName).to.equal("DatanetVersionNonexistent");
      expect(error.shortMessage).to.equal("Datanet 1 has no version 3.");
    });
  });

  describe("InvalidConfigurationError", function () {
    const FIELDS: [field: keyof DatanetPolicy & string, index: number][] = [
      ["quorum", 0],
      ["reviewWindow", 1],
      ["maxFileBytes", 2],
      ["contributorDailyFiles", 3],
      ["contributorDailyBytes", 4],
      ["datanetDailyBytes", 5],
    ];
    for (const [field, index] of FIELDS) {
      it(`names the field when ${field} is zero`, async function () {
        const { client, v1, v2 } = await loadFixture(errorsFixture);
        const policy = sdkPolicy({ [field]: typeof sdkPolicy()[field] === "bigint" ? 0n : 0 });
        const error = await rejection(
          client.createDatanet({ uri: "", policy, validators: [v1.address, v2.address] }),
          InvalidConfigurationError,
        );
        expect(error.errorName).to.equal("DatanetInvalidPolicy");
        expect(error.args).to.deep.equal({ field: BigInt(index) });
        expect(error.shortMessage).to.equal(`Policy field "${field}" is invalid.`);
      });
    }

    it("names the quorum when it exceeds the number of validators, also in setPolicy", async function () {
      const { client, datanetId } = await loadFixture(errorsFixture);
      const error = await rejection(client.setPolicy(datanetId, sdkPolicy({ quorum: 4 })), InvalidConfigurationError);
      expect(error.shortMessage).to.equal('Policy field "quorum" is invalid.');
      expect(error.hint).to.contain("between 1 and the number of validators");
    });

    it("refuses an empty, oversized, duplicated or zero validator list", async function () {
      const { client, datanetId, v1 } = await loadFixture(errorsFixture);
      const none = await rejection(client.setValidators(datanetId, []), InvalidConfigurationError);
      expect(none.errorName).to.equal("DatanetNoValidators");
      const many = Array.from({ length: 33 }, (_, i) => ethers.getAddress(ethers.toBeHex(i + 1, 20)));
      const tooMany = await rejection(client.setValidators(datanetId, many), InvalidConfigurationError);
      expect(tooMany.args).to.deep.equal({ count: 33n, max: 32n });
      expect(tooMany.shortMessage).to.equal("33 validators given; a Datanet can have at most 32.");
      const twice = await rejection(
        client.setValidators(datanetId, [v1.address, v1.address]),
        InvalidConfigurationError,
      );
      expect(twice.shortMessage).to.equal(`Validator ${v1.address} is listed twice.`);
      const zero = await rejection(
        client.setValidators(datanetId, [v1.address, ZeroAddress]),
        InvalidConfigurationError,
      );
      expect(zero.errorName).to.equal("DatanetInvalidValidator");
      expect(zero.shortMessage).to.equal("The zero address cannot be a validator.");
    });

    it("refuses to send bond credit to the zero address", async function () {
      const { clients } = await loadFixture(errorsFixture);
      const error = await rejection(clients.alice.withdrawBondCredit(0n, ZeroAddress), InvalidConfigurationError);
      expect(error.errorName).to.equal("DatanetInvalidReceiver");
    });
  });

  describe("InsufficientFundsError", function () {
    it("decodes ERC20InsufficientAllowance when submit may not approve and there is no allowance", async function () {
      const { clients, datanetId, registry, open, dave } = await loadFixture(errorsFixture);
      expect(await open.allowance(dave.address, registry)).to.equal(0n);
      const error = await rejection(
        clients.dave.submit({ datanetId, content: "no allowance", approve: false }),
        InsufficientFundsError,
      );
      expect(error.errorName).to.equal("ERC20InsufficientAllowance");
      expect(error.args).to.deep.equal({ spender: registry, allowance: 0n, needed: ethers.parseEther("1") });
      expect(error.shortMessage).to.equal(
        `OPEN allowance of ${registry} is 0 but 1,000,000,000,000,000,000 is needed.`,
      );
      expect(error.hint).to.contain("approve");
    });

    it("decodes ERC20InsufficientBalance when the contributor holds no OPEN", async function () {
      const { clients, datanetId, outsider } = await loadFixture(errorsFixture);
      const error = await rejection(
        clients.outsider.submit({ datanetId, content: "no funds" }),
        InsufficientFundsError,
      );
      expect(error.errorName).to.equal("ERC20InsufficientBalance");
      expect(error.args).to.deep.equal({ sender: outsider.address, balance: 0n, needed: ethers.parseEther("1") });
    });

    it("is thrown when withdrawing more bond credit than there is", async function () {
      const { clients } = await loadFixture(errorsFixture);
      const error = await rejection(clients.alice.withdrawBondCredit(5n), InsufficientFundsError);
      expect(error.errorName).to.equal("DatanetInsufficientBalance");
      expect(error.args).to.deep.equal({ requested: 5n, available: 0n });
      expect(error.shortMessage).to.equal("5 requested but only 0 is available.");
    });
  });

  describe("UserRejectedError", function () {
    it("is what a request the wallet's owner rejected becomes, with nothing sent", async function () {
      const { registry, alice, datanetId } = await loadFixture(errorsFixture);
      // A wallet (EIP-1193) whose owner rejects every transaction, as ethers reports it: ACTION_REJECTED.
      class RejectingSigner extends ethers.AbstractSigner {
        constructor(private readonly inner: typeof alice) {
          super(inner.provider);
        }
        getAddress() {
          return this.inner.getAddress();
        }
        connect() {
          return this;
        }
        signTransaction(): Promise<string> {
          throw new Error("not used");
        }
        signMessage(): Promise<string> {
          throw new Error("not used");
        }
        signTypedData(): Promise<string> {
          throw new Error("not used");
        }
        async sendTransaction(): Promise<never> {
          throw ethers.makeError("user rejected action", "ACTION_REJECTED", {
            action: "sendTransaction",
            reason: "rejected",
          });
        }
      }
      const client = await DatanetClient.connect(registry, new RejectingSigner(alice));
      const nonce = await ethers.provider.getTransactionCount(alice.address);
      const error = await rejection(client.submit({ datanetId, content: "never sent" }), UserRejectedError);
      expect(error).to.be.instanceOf(ProtocolError);
      expect(error.shortMessage).to.equal("The wallet's owner rejected the request; nothing was sent.");
      expect(error.hint).to.equal("Approve it in the wallet to go on.");
      expect(await ethers.provider.getTransactionCount(alice.address)).to.equal(nonce);
    });
  });

  describe("decodeRevert", function () {
    const registryInterface = new Interface(DatanetRegistry__factory.abi);

    it("maps every custom error of a model's shares and controller to a typed subclass with its own message", function () {
      expectEveryErrorTyped(IModelShares__factory.createInterface());
      expectEveryErrorTyped(IModelController__factory.createInterface());
    });

    it("decodes a claim of model revenue with nothing to claim into a NothingToClaimError", async function () {
      const { shares, alice } = await loadFixture(sharesFixture);
      const error = decodeRevert(await shares.claimRevenue(alice.address).catch((e: unknown) => e));
      expect(error).to.be.instanceOf(NothingToClaimError);
      expect((error as NothingToClaimError).shortMessage).to.equal(`${alice.address} has no model revenue to claim.`);
    });

    it("decodes a pull that arrived short (a fee-on-transfer token) into an InsufficientFundsError", function () {
      const data = registryInterface.encodeErrorResult("TokenTransferShortfall", [100n, 99n]);
      const error = decodeRevert({ data }) as InsufficientFundsError;
      expect(error).to.be.instanceOf(InsufficientFundsError);
      expect(error.errorName).to.equal("TokenTransferShortfall");
      expect(error.args).to.deep.equal({ expected: 100n, received: 99n });
    });

    it("turns revert data that matches no known error into an UnknownRevertError", function () {
      const original = Object.assign(new Error("execution reverted"), { data: "0xdeadbeef0000" });
      const error = decodeRevert(original);
      expect(error).to.be.instanceOf(UnknownRevertError).and.instanceOf(ProtocolError);
      const unknown = error as UnknownRevertError;
      expect(unknown.data).to.equal("0xdeadbeef0000");
      expect(unknown.shortMessage).to.equal("The transaction reverted with an unknown error.");
      expect(unknown.details).to.equal("revert data 0xdeadbeef0000");
      expect(unknown.cause).to.equal(original);
    });

    it("returns an error that is not a revert unchanged", function () {
      const network = new Error("connect ECONNREFUSED 127.0.0.1:8545");
      expect(decodeRevert(network)).to.equal(network);
      const short = { data: "0x1234" };
      expect(decodeRevert(short)).to.equal(short);
      expect(decodeRevert("a string")).to.equal("a string");
      expect(decodeRevert(null)).to.equal(null);
      expect(decodeRevert(undefined)).to.equal(undefined);
    });

    it("returns an SDK error unchanged", function () {
      const sdkError = new InvalidInputError("bad input");
      expect(decodeRevert(sdkError)).to.equal(sdkError);
    });

    it("decodes a registry error the SDK has no message for into a plain ContractRevertError", function () {
      const data = registryInterface.encodeErrorResult("ERC721NonexistentToken", [7n]);
      const error = decodeRevert({ data }) as ContractRevertError;
      expect(error.constructor).to.equal(ContractRevertError);
      expect(error.errorName).to.equal("ERC721NonexistentToken");
      expect(error.args).to.deep.equal({ tokenId: 7n });
      expect(error.shortMessage).to.equal("The contract reverted with ERC721NonexistentToken.");
      expect(error.details).to.equal("ERC721NonexistentToken(tokenId: 7)");
    });

    it("explains a claim that would exceed the current root's total", function () {
      const data = new Interface(IRewardDistributor__factory.abi).encodeErrorResult("RewardsRootTotalExceeded", [
        69n,
        65n,
      ]);
      const error = decodeRevert({ data }) as ContractRevertError;
      expect(error).to.be.instanceOf(InvalidConfigurationError);
      expect(error.args).to.deep.equal({ totalClaimed: 69n, rootTotal: 65n });
      expect(error.shortMessage).to.equal(
        "This claim would bring the total claimed to 69, above the current root's total of 65.",
      );
    });

    it("gives a require() reason string as the message", function () {
      const data = new Interface(["error Error(string)"]).encodeErrorResult("Error", ["paused"]);
      const error = decodeRevert({ data }) as ContractRevertError;
      expect(error.constructor).to.equal(ContractRevertError);
      expect(error.shortMessage).to.equal("The contract reverted: paused");
    });

    it("names the panic behind a Panic(uint256) revert", function () {
      const data = new Interface(["error Panic(uint256)"]).encodeErrorResult("Panic", [0x12]);
      const error = decodeRevert({ data }) as ContractRevertError;
      expect(error.errorName).to.equal("Panic");
      expect(error.shortMessage).to.equal("The contract panicked: division or modulo by zero (code 0x12).");
    });

    it("decodes data found deep inside a provider error", function () {
      const data = registryInterface.encodeErrorResult("DatanetNonexistent", [5n]);
      const error = decodeRevert({ info: { error: { data: { data } } } });
      expect(error).to.be.instanceOf(NotFoundError);
      expect((error as NotFoundError).args).to.deep.equal({ datanetId: 5n });
    });
  });

  describe("findRevertData", function () {
    const data = "0x12345678abcdef";

    it("finds data at the top, in data.data and under revertData", function () {
      expect(findRevertData({ data })).to.equal(data);
      expect(findRevertData({ data: { data } })).to.equal(data);
      expect(findRevertData({ revertData: data })).to.equal(data);
    });

    it("finds data nested in error, info, cause and payload", function () {
      expect(findRevertData({ error: { data } })).to.equal(data);
      expect(findRevertData({ info: { error: { data } } })).to.equal(data);
      expect(findRevertData({ cause: { cause: { revertData: data } } })).to.equal(data);
      expect(findRevertData({ payload: { error: { data } } })).to.equal(data);
      expect(findRevertData(new Error("wrapped", { cause: { error: { data } } }))).to.equal(data);
    });

    it("skips data that is too short to hold a selector and keeps looking", function () {
      expect(findRevertData({ data: "0x", error: { data } })).to.equal(data);
      expect(findRevertData({ data: "0x1234" })).to.equal(undefined);
      expect(findRevertData({ data: "not hex at all", cause: { data } })).to.equal(data);
    });

    it("returns undefined when there is none, when it is too deep, and on a cycle", function () {
      expect(findRevertData(undefined)).to.equal(undefined);
      expect(findRevertData("0x12345678")).to.equal(undefined);
      expect(findRevertData({ message: "no data" })).to.equal(undefined);
      let deep: Record<string, unknown> = { data };
      for (let i = 0; i < 8; i++) deep = { cause: deep };
      expect(findRevertData(deep)).to.equal(undefined);
      const cyclic: Record<string, unknown> = { message: "loop" };
      cyclic.cause = cyclic;
      expect(findRevertData(cyclic)).to.equal(undefined);
    });
  });

  describe("the offering's revert tables", function () {
    it("types every custom error of the offering and of its factory", async function () {
      expect(expectEveryErrorTyped(IModelOffering__factory.createInterface())).to.have.length(21);
      expect(expectEveryErrorTyped(IOfferingFactory__factory.createInterface())).to.have.length(6);
    });
  });

  describe("withDecodedErrors", function () {
    it("returns the action's result", async function () {
      expect(await withDecodedErrors(async () => 42)).to.equal(42);
    });

    it("rethrows a revert as the typed error", async function () {
      const data = new Interface(DatanetRegistry__factory.abi).encodeErrorResult("DatanetNoValidators", []);
      const error = await rejection(
        withDecodedErrors(async () => {
          throw { data };
        }),
        InvalidConfigurationError,
      );
      expect(error.shortMessage).to.equal("A Datanet needs at least one validator.");
    });
  });
});
