import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  ContractRevertError,
  InsufficientFundsError,
  InvalidConfigurationError,
  InvalidInputError,
  NotFoundError,
  ProtocolError,
  SettlementClient,
  TermsChangedError,
  UnauthorizedError,
  decodeRevert,
  epochAt,
  epochStart,
  splitFee,
  withDecodedErrors,
} from "../../sdk/src";
import { DEFAULT_EPOCH_LENGTH, DEFAULT_FEE_SPLIT } from "../../deploy/settlement";
import { EpochClock__factory, IEpochClock__factory, IInferenceSettlement__factory } from "../../typechain-types";
import { ODD_PRICE, PRICE, beforeGenesisFixture } from "../fixtures/settlement";
import { rejection } from "../helpers/rejection";
import { expectEveryErrorTyped } from "../helpers/revertTable";

const root = (n: number) => ethers.id(`inference log ${n}`);

/** {@link beforeGenesisFixture} with a client sending from the payer and a read-only one. */
async function clientFixture() {
  const f = await beforeGenesisFixture();
  const address = await f.settlement.getAddress();
  const client = await SettlementClient.connect(address, f.payer);
  return { ...f, address, client, reader: client.connect(ethers.provider) };
}

/** {@link clientFixture} at genesis. */
async function startedFixture() {
  const f = await loadFixture(clientFixture);
  await time.increaseTo(f.genesis);
  return f;
}

describe("SettlementClient", function () {
  describe("connect", function () {
    it("refuses a malformed address", async function () {
      await rejection(SettlementClient.connect("0x1234", ethers.provider), InvalidInputError);
    });

    it("reads the token, the model registry and the clock from settlement", async function () {
      const { reader, open, models, clock } = await loadFixture(clientFixture);
      expect(await reader.token.getAddress()).to.equal(await open.getAddress());
      expect(await reader.models.getAddress()).to.equal(await models.getAddress());
      expect(await reader.clock.getAddress()).to.equal(await clock.getAddress());
    });
  });

  describe("views", function () {
    it("reads the split and the treasury", async function () {
      const { reader, treasury } = await loadFixture(clientFixture);
      expect(await reader.feeSplit()).to.deep.equal(DEFAULT_FEE_SPLIT);
      expect(await reader.treasury()).to.equal(treasury.address);
    });

    it("reads the epoch, its start and its length from the clock", async function () {
      const { reader, genesis } = await startedFixture();
      expect(await reader.currentEpoch()).to.equal(1n);
      expect(await reader.epochStart(3n)).to.equal(genesis + 2n * DEFAULT_EPOCH_LENGTH);
      expect(await reader.epochLength()).to.equal(DEFAULT_EPOCH_LENGTH);
    });

    it("reads the clock's schedule from its events, for the pure epoch helpers", async function () {
      const { reader, clock, owner, genesis } = await startedFixture();
      await clock.connect(owner).setEpochLength(3_600n);
      const schedule = await reader.epochSchedule();
      expect(schedule).to.deep.equal([
        { fromEpoch: 1n, startsAt: genesis, length: DEFAULT_EPOCH_LENGTH },
        { fromEpoch: 2n, startsAt: genesis + DEFAULT_EPOCH_LENGTH, length: 3_600n },
      ]);
      expect(epochAt(schedule, genesis + DEFAULT_EPOCH_LENGTH + 7_200n)).to.equal(4n);
      expect(epochStart(schedule, 4n)).to.equal(await reader.epochStart(4n));
    });

    it("throws typed errors from the clock: before genesis and for epoch 0", async function () {
      const { reader, genesis } = await loadFixture(clientFixture);
      const early = await rejection(reader.currentEpoch(), InvalidConfigurationError);
      expect(early.errorName).to.equal("EpochBeforeGenesis");
      expect(early.args.genesis).to.equal(genesis);
      expect(early.shortMessage).to.contain("is before epoch 1, which starts at");
      const zero = await rejection(reader.epochStart(0n), NotFoundError);
      expect(zero.shortMessage).to.equal("Epoch 0 does not exist; epochs start at 1.");
    });
  });

  describe("quote", function () {
    it("prices the calls at the model's price and splits the fee as the contract will", async function () {
      const { reader, developer2 } = await loadFixture(clientFixture);
      const quote = await reader.quote(2n, 1_000n);
      expect(quote).to.deep.equal({
        modelId: 2n,
        calls: 1_000n,
        pricePerCall: ODD_PRICE,
        revenueRecipient: developer2.address,
        fee: ODD_PRICE * 1_000n,
        shares: splitFee(ODD_PRICE * 1_000n, DEFAULT_FEE_SPLIT),
      });
    });

    it("refuses a call count outside [1, 2^64 - 1] and reports an unknown model", async function () {
      const { reader } = await loadFixture(clientFixture);
      await rejection(reader.quote(1n, 0n), InvalidInputError);
      await rejection(reader.quote(1n, 2n ** 64n), InvalidInputError);
      await rejection(reader.quote(99n, 1n), ProtocolError);
    });
  });

  describe("settle", function () {
    it("approves the fee when the allowance is short, settles and returns what was paid", async function () {
      const { reader, open, settlement, address, outsider, deployer } = await startedFixture();
      await open.connect(deployer).transfer(outsider.address, PRICE * 100n);
      const client = reader.connect(outsider);
      const quote = await client.quote(1n, 40n);
      const settled = await client.settle({ modelId: 1n, calls: 40n, logRoot: root(1), logURI: "ipfs://logs/1" });
      expect(settled).to.deep.include({
        epoch: 1n,
        modelId: 1n,
        payer: outsider.address,
        calls: 40n,
        fee: quote.fee,
        logRoot: root(1),
        logURI: "ipfs://logs/1",
      });
      expect(settled.shares).to.deep.equal(quote.shares);
      expect(settled.receipt.status).to.equal(1);
      expect(await open.balanceOf(outsider.address)).to.equal(PRICE * 60n);
      expect(await open.allowance(outsider.address, address)).to.equal(0n);
      expect((await settlement.epochLedger(1n)).calls).to.equal(40n);
    });

    it("sends the quoted fee as maxFee and approves exactly that", async function () {
      const { reader, open, settlement, address, outsider, deployer } = await startedFixture();
      await open.connect(deployer).transfer(outsider.address, PRICE * 100n);
      const client = reader.connect(outsider);
      const { receipt } = await client.settle({ modelId: 2n, calls: 9n, logRoot: root(1), logURI: "" });
      const tx = (await ethers.provider.getTransaction(receipt.hash))!;
      const [, , maxFee] = settlement.interface.decodeFunctionData("settle", tx.data);
      expect(maxFee).to.equal(ODD_PRICE * 9n);
      const approvals = await open.queryFilter(open.filters.Approval(outsider.address, address));
      expect(approvals.map((e) => e.args.value)).to.deep.equal([ODD_PRICE * 9n]);
    });

    it("sends a given maxFee, approving it when the allowance is short, and pays only the fee", async function () {
      const { reader, open, settlement, address, outsider, deployer } = await startedFixture();
      await open.connect(deployer).transfer(outsider.address, PRICE * 100n);
      const client = reader.connect(outsider);
      const settled = await client.settle({ modelId: 1n, calls: 2n, logRoot: root(1), logURI: "", maxFee: PRICE * 5n });
      const tx = (await ethers.provider.getTransaction(settled.receipt.hash))!;
      expect(settlement.interface.decodeFunctionData("settle", tx.data)[2]).to.equal(PRICE * 5n);
      expect(settled.fee).to.equal(PRICE * 2n);
      expect(await open.allowance(outsider.address, address)).to.equal(PRICE * 3n);
      expect(await open.balanceOf(outsider.address)).to.equal(PRICE * 98n);
    });

    it("throws TermsChangedError when the price rose above maxFee, and nothing is paid", async function () {
      const { client, models, developer, open, payer } = await startedFixture();
      await models.setTerms(1n, PRICE * 2n, developer.address);
      const before = await open.balanceOf(payer.address);
      const error = await rejection(
        client.settle({ modelId: 1n, calls: 4n, logRoot: root(1), logURI: "", maxFee: PRICE * 4n }),
        TermsChangedError,
      );
      expect(error).to.be.instanceOf(ContractRevertError);
      expect(error.errorName).to.equal("SettlementFeeAboveMax");
      expect(error.args).to.deep.equal({ modelId: 1n, fee: PRICE * 8n, maxFee: PRICE * 4n });
      expect(error.hint).to.match(/quote again/);
      expect(await open.balanceOf(payer.address)).to.equal(before);
    });

    it("refuses a maxFee that is not a bigint in [0, 2^256 - 1] before sending anything", async function () {
      const { client } = await startedFixture();
      for (const maxFee of [-1n, 2n ** 256n, 5 as unknown as bigint]) {
        await rejection(
          client.settle({ modelId: 1n, calls: 1n, logRoot: root(1), logURI: "", maxFee }),
          InvalidInputError,
        );
      }
    });

    it("does not approve again when the allowance covers the fee", async function () {
      const { client, open, address, payer } = await startedFixture();
      await client.settle({ modelId: 1n, calls: 1n, logRoot: root(1), logURI: "" });
      expect(await open.allowance(payer.address, address)).to.equal(ethers.MaxUint256);
    });

    it("leaves the allowance alone when approve is false, and reports the shortfall as InsufficientFundsError", async function () {
      const { client, outsider, open, deployer } = await startedFixture();
      await open.connect(deployer).transfer(outsider.address, PRICE);
      const error = await rejection(
        client.connect(outsider).settle({ modelId: 1n, calls: 1n, logRoot: root(1), logURI: "", approve: false }),
        InsufficientFundsError,
      );
      expect(error.errorName).to.equal("ERC20InsufficientAllowance");
    });

    it("refuses bad calls and log roots before sending anything", async function () {
      const { client } = await startedFixture();
      for (const p of [
        { calls: 0n, logRoot: root(1) },
        { calls: 1n, logRoot: ethers.ZeroHash },
        { calls: 1n, logRoot: "0x1234" },
      ]) {
        await rejection(client.settle({ modelId: 1n, logURI: "", ...p }), InvalidInputError);
      }
    });

    it("refuses to send from a read-only client", async function () {
      const { reader } = await startedFixture();
      const error = await rejection(
        reader.settle({ modelId: 1n, calls: 1n, logRoot: root(1), logURI: "" }),
        InvalidInputError,
      );
      expect(error.shortMessage).to.contain("no signer");
    });

    it("reports a free model with InvalidConfigurationError", async function () {
      const { client } = await startedFixture();
      const error = await rejection(
        client.settle({ modelId: 3n, calls: 1n, logRoot: root(1), logURI: "" }),
        InvalidConfigurationError,
      );
      expect(error.errorName).to.equal("SettlementZeroFee");
      expect(error.shortMessage).to.equal("Model 3 is free (price 0), so there is no fee to settle.");
    });
  });

  describe("ledger", function () {
    it("reads an epoch's ledger, lists its settlements and verifies the ledger against them", async function () {
      const { client, gateway, clock } = await startedFixture();
      const other = client.connect(gateway);
      await client.settle({ modelId: 1n, calls: 5n, logRoot: root(1), logURI: "a" });
      await other.settle({ modelId: 2n, calls: 7n, logRoot: root(2), logURI: "b" });
      await time.increaseTo(await clock.epochStart(2n));
      await client.settle({ modelId: 1n, calls: 1n, logRoot: root(3), logURI: "c" });

      const ledger = await client.ledger(1n);
      expect(ledger.calls).to.equal(12n);
      expect(ledger.settlements).to.equal(2n);
      expect(ledger.fees).to.equal(PRICE * 5n + ODD_PRICE * 7n);
      const settled = await client.settlements(1n);
      expect(settled.map((s) => [s.modelId, s.calls, s.logURI])).to.deep.equal([
        [1n, 5n, "a"],
        [2n, 7n, "b"],
      ]);
      expect(settled[1].payer).to.equal(gateway.address);
      expect(settled[1].shares).to.deep.equal(splitFee(ODD_PRICE * 7n, DEFAULT_FEE_SPLIT));

      for (const epoch of [1n, 2n, 3n]) {
        const check = await client.verifyLedger(epoch);
        expect(check.valid).to.equal(true);
        expect(check.recomputed).to.deep.equal(check.onchain);
      }
      expect(await client.ledger(3n)).to.deep.equal({
        calls: 0n,
        settlements: 0n,
        fees: 0n,
        logDigest: ethers.ZeroHash,
      });
    });

    it("flags a ledger the events do not reproduce (events missed before fromBlock)", async function () {
      const { client } = await startedFixture();
      await client.settle({ modelId: 1n, calls: 5n, logRoot: root(1), logURI: "a" });
      const { receipt } = await client.settle({ modelId: 1n, calls: 6n, logRoot: root(2), logURI: "b" });
      const check = await client.verifyLedger(1n, receipt.blockNumber);
      expect(check.valid).to.equal(false);
      expect(check.recomputed.settlements).to.equal(1n);
      expect(check.onchain.settlements).to.equal(2n);
    });
  });

  describe("revert decoding", function () {
    it("decodes every settlement and clock error into a typed error with a readable message", async function () {
      const { settlement, clock, owner, outsider, payer: signer } = await startedFixture();
      const payer = settlement.connect(signer);
      const cases: [() => Promise<unknown>, new (...args: never[]) => Error, string][] = [
        [
          () => payer.settle(1n, 0n, 0n, root(1), ""),
          InvalidConfigurationError,
          "A settlement must pay for at least one call.",
        ],
        [() => payer.settle(1n, 1n, PRICE, ethers.ZeroHash, ""), InvalidConfigurationError, "The log root is zero."],
        [
          () => payer.settle(1n, 3n, PRICE, root(1), ""),
          TermsChangedError,
          `Model 1's fee is now ${(PRICE * 3n).toLocaleString("en-US")}, above the ` +
            `${PRICE.toLocaleString("en-US")} the payer agreed to pay; nothing was paid.`,
        ],
        [
          () => settlement.connect(owner).recoverExcess(ethers.ZeroAddress),
          InvalidConfigurationError,
          "Recovered OPEN cannot go to the zero address.",
        ],
        [
          () => settlement.connect(owner).recoverExcess(owner.address),
          InsufficientFundsError,
          "Settlement holds no OPEN to recover.",
        ],
        [
          () => settlement.connect(owner).setFeeSplit({ ...DEFAULT_FEE_SPLIT, modelBps: 0 }),
          InvalidConfigurationError,
          "The fee split sums to 8,000 basis points; it must sum to 10,000.",
        ],
        [
          () => settlement.connect(owner).setTreasury(ethers.ZeroAddress),
          InvalidConfigurationError,
          "The treasury cannot be the zero address.",
        ],
        [
          () => settlement.connect(outsider).setTreasury(outsider.address),
          UnauthorizedError,
          `${outsider.address} is not the owner.`,
        ],
        [
          () => clock.connect(owner).setEpochLength(60n),
          InvalidConfigurationError,
          "An epoch length of 60 s is outside [1 hour, 365 days].",
        ],
        [
          () => new EpochClock__factory(owner).deploy(0n, 3_600n, ethers.ZeroAddress),
          InvalidConfigurationError,
          `${ethers.ZeroAddress} cannot be the owner.`,
        ],
      ];
      for (const [action, type, message] of cases) {
        const error = await rejection(withDecodedErrors(action), type);
        expect((error as unknown as ProtocolError).shortMessage).to.equal(message);
      }
      const hinted = decodeRevert(
        await settlement
          .connect(outsider)
          .setFeeSplit(DEFAULT_FEE_SPLIT)
          .catch((e: unknown) => e),
      ) as UnauthorizedError;
      expect(hinted.hint).to.match(/governance timelock/);
    });

    it("maps every custom error of settlement and the clock to a typed subclass with its own message", function () {
      expectEveryErrorTyped(IInferenceSettlement__factory.createInterface());
      expectEveryErrorTyped(IEpochClock__factory.createInterface());
    });
  });
});
