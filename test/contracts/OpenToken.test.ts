import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { OpenToken__factory } from "../../typechain-types";
import { openTokenFixture } from "../fixtures/protocol";
import { signPermit } from "../helpers/permit";

const SUPPLY = 1_000_000_000n * 10n ** 18n;

describe("OpenToken", function () {
  describe("deployment", function () {
    it("mints the fixed supply of one billion OPEN to the treasury", async function () {
      const { open, treasury, deployer } = await loadFixture(openTokenFixture);
      expect(await open.TOTAL_SUPPLY()).to.equal(SUPPLY);
      expect(await open.totalSupply()).to.equal(SUPPLY);
      expect(await open.balanceOf(treasury.address)).to.equal(SUPPLY);
      // The deployer is not the treasury here, so nothing may have been minted to it.
      expect(await open.balanceOf(deployer.address)).to.equal(0n);
    });

    it("emits the mint as a Transfer from the zero address", async function () {
      const { deployer, treasury } = await loadFixture(openTokenFixture);
      const token = await new OpenToken__factory(deployer).deploy(treasury.address);
      await expect(token.deploymentTransaction())
        .to.emit(token, "Transfer")
        .withArgs(ethers.ZeroAddress, treasury.address, SUPPLY);
    });

    it("is named OPEN with symbol OPEN and 18 decimals", async function () {
      const { open } = await loadFixture(openTokenFixture);
      expect(await open.name()).to.equal("OPEN");
      expect(await open.symbol()).to.equal("OPEN");
      expect(await open.decimals()).to.equal(18n);
    });

    it("reverts with OpenInvalidTreasury when the treasury is the zero address", async function () {
      const { deployer } = await loadFixture(openTokenFixture);
      const factory = new OpenToken__factory(deployer);
      await expect(factory.deploy(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(factory, "OpenInvalidTreasury")
        .withArgs(ethers.ZeroAddress);
    });
  });

  describe("permit", function () {
    it("publishes the EIP-712 domain the permits are signed against", async function () {
      const { open } = await loadFixture(openTokenFixture);
      const { chainId } = await ethers.provider.getNetwork();
      const domain = { name: "OPEN", version: "1", chainId, verifyingContract: await open.getAddress() };
      expect(await open.DOMAIN_SEPARATOR()).to.equal(ethers.TypedDataEncoder.hashDomain(domain));
      const fields = await open.eip712Domain();
      expect(fields.name).to.equal("OPEN");
      expect(fields.version).to.equal("1");
      expect(fields.chainId).to.equal(chainId);
      expect(fields.verifyingContract).to.equal(await open.getAddress());
    });

    it("sets an allowance from a signature submitted by a third party", async function () {
      const { open, treasury, alice, bob } = await loadFixture(openTokenFixture);
      const value = ethers.parseEther("250");
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(open, treasury, alice.address, value, deadline);

      // Bob relays the permit: the allowance must be the signer's, not the relayer's.
      await expect(open.connect(bob).permit(treasury.address, alice.address, value, deadline, sig.v, sig.r, sig.s))
        .to.emit(open, "Approval")
        .withArgs(treasury.address, alice.address, value);
      expect(await open.allowance(treasury.address, alice.address)).to.equal(value);
      expect(await open.nonces(treasury.address)).to.equal(1n);

      await expect(open.connect(alice).transferFrom(treasury.address, alice.address, value)).to.changeTokenBalances(
        open,
        [treasury, alice],
        [-value, value],
      );
    });

    it("refuses a permit replayed with an already used nonce", async function () {
      const { open, treasury, alice } = await loadFixture(openTokenFixture);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(open, treasury, alice.address, 1n, deadline);
      await open.permit(treasury.address, alice.address, 1n, deadline, sig.v, sig.r, sig.s);
      // The replay recovers a different signer because the nonce in the digest moved on.
      await expect(
        open.permit(treasury.address, alice.address, 1n, deadline, sig.v, sig.r, sig.s),
      ).to.be.revertedWithCustomError(open, "ERC2612InvalidSigner");
    });

    it("refuses a permit signed by someone other than the owner", async function () {
      const { open, treasury, alice, bob } = await loadFixture(openTokenFixture);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(open, bob, alice.address, 1n, deadline, treasury.address);
      await expect(open.permit(treasury.address, alice.address, 1n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(open, "ERC2612InvalidSigner")
        .withArgs(bob.address, treasury.address);
    });

    it("refuses a permit after its deadline", async function () {
      const { open, treasury, alice } = await loadFixture(openTokenFixture);
      const deadline = BigInt(await time.latest()) + 60n;
      const sig = await signPermit(open, treasury, alice.address, 1n, deadline);
      await time.increaseTo(deadline + 1n);
      await expect(open.permit(treasury.address, alice.address, 1n, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(open, "ERC2612ExpiredSignature")
        .withArgs(deadline);
    });
  });

  describe("votes", function () {
    it("counts no votes until the holder delegates", async function () {
      const { open, treasury } = await loadFixture(openTokenFixture);
      // ERC20Votes only tracks delegated balances, so a Governor sees nothing before delegation.
      expect(await open.getVotes(treasury.address)).to.equal(0n);
      expect(await open.delegates(treasury.address)).to.equal(ethers.ZeroAddress);
    });

    it("gives the delegatee the holder's balance as votes", async function () {
      const { open, treasury, alice } = await loadFixture(openTokenFixture);
      await expect(open.connect(treasury).delegate(alice.address))
        .to.emit(open, "DelegateChanged")
        .withArgs(treasury.address, ethers.ZeroAddress, alice.address)
        .and.to.emit(open, "DelegateVotesChanged")
        .withArgs(alice.address, 0n, SUPPLY);
      expect(await open.delegates(treasury.address)).to.equal(alice.address);
      expect(await open.getVotes(alice.address)).to.equal(SUPPLY);
      expect(await open.getVotes(treasury.address)).to.equal(0n);
    });

    it("moves votes with transfers between delegated holders", async function () {
      const { open, treasury, alice, bob } = await loadFixture(openTokenFixture);
      await open.connect(treasury).delegate(treasury.address);
      await open.connect(alice).delegate(bob.address);
      const amount = ethers.parseEther("1234");

      await expect(open.connect(treasury).transfer(alice.address, amount))
        .to.emit(open, "DelegateVotesChanged")
        .withArgs(treasury.address, SUPPLY, SUPPLY - amount)
        .and.to.emit(open, "DelegateVotesChanged")
        .withArgs(bob.address, 0n, amount);
      expect(await open.getVotes(treasury.address)).to.equal(SUPPLY - amount);
      expect(await open.getVotes(bob.address)).to.equal(amount);
      expect(await open.getVotes(alice.address)).to.equal(0n);
    });

    it("keeps past votes readable at the block they were held", async function () {
      const { open, treasury, alice } = await loadFixture(openTokenFixture);
      await open.connect(treasury).delegate(treasury.address);
      await open.connect(alice).delegate(alice.address);
      const before = BigInt(await ethers.provider.getBlockNumber());
      await open.connect(treasury).transfer(alice.address, 100n);
      await mine();
      // The clock is the block number (the ERC-6372 default), which is what a Governor snapshots against.
      expect(await open.clock()).to.equal(BigInt(await ethers.provider.getBlockNumber()));
      expect(await open.getPastVotes(treasury.address, before)).to.equal(SUPPLY);
      expect(await open.getPastVotes(alice.address, before)).to.equal(0n);
      expect(await open.getPastVotes(alice.address, before + 1n)).to.equal(100n);
      expect(await open.getPastTotalSupply(before)).to.equal(SUPPLY);
    });
  });
});
