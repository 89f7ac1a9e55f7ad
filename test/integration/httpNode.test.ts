import { expect } from "chai";
import { ethers } from "ethers";
import type { JsonRpcSigner } from "ethers";
import { deployProtocol } from "../../deploy/protocol";
import {
  DatanetClient,
  DatanetIndexer,
  DuplicateContentError,
  UnauthorizedError,
  contentId,
  rankContributors,
} from "../../sdk/src";
import type { DatanetPolicy } from "../../sdk/src";
import type { DatanetRegistry, OpenToken } from "../../typechain-types";
import { loadEmails } from "../helpers/corpus";
import { seededRandom } from "../helpers/random";
import { startHardhatNode } from "../helpers/hardhatNode";
import type { HardhatNode } from "../helpers/hardhatNode";

const POLICY: DatanetPolicy = {
  bond: ethers.parseEther("10"),
  quorum: 2,
  reviewWindow: 2 * 24 * 3600,
  accessMode: "Open",
  maxFileBytes: 32_768n,
  contributorDailyFiles: 25,
  contributorDailyBytes: 600_000n,
  datanetDailyBytes: 5_000_000n,
};

describe("The SDK over HTTP against a hardhat node", function () {
  this.timeout(60_000);

  let node: HardhatNode | undefined;
  let provider: ethers.JsonRpcProvider;
  let signers: JsonRpcSigner[];
  let open: OpenToken;
  let datanets: DatanetRegistry;
  let registry: string;
  let owner: DatanetClient;
  let datanetId: bigint;
  const submitted: { contentHash: string; contributor: string; text: string }[] = [];
  before(async function () {
    node = await startHardhatNode();
    expect(BigInt(await node.provider.send("eth_chainId", []))).to.equal(31337n);
    provider = node.provider;
    signers = await Promise.all(Array.from({ length: 8 }, (_, i) => provider.getSigner(i)));
    ({ open, datanets } = await deployProtocol(signers[0], { allowSameKey: true }));
    registry = await datanets.getAddress();
    for (const s of signers.slice(5, 8)) await (await open.transfer(s.address, ethers.parseEther("1000"))).wait();
    owner = await DatanetClient.connect(registry, signers[1]);
  });

  after(async function () {
    await node?.stop();
  });

  it("deploys the protocol with the node's unlocked dev accounts", async function () {
    expect(signers[0].address).to.equal("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    expect(await provider.getCode(registry)).to.not.equal("0x");
    expect(await datanets.BOND_TOKEN()).to.equal(await open.getAddress());
    expect(await owner.token.getAddress()).to.equal(await open.getAddress());
    expect(await open.balanceOf(signers[5].address)).to.equal(ethers.parseEther("1000"));
  });

  it("creates a Datanet and submits real e-mails, approving each bond", async function () {
    ({ datanetId } = await owner.createDatanet({
      uri: "ipfs://ham-over-http",
      policy: POLICY,
      validators: [signers[2].address, signers[3].address, signers[4].address],
    }));
    expect(datanetId).to.equal(1n);
    expect(await owner.policy(datanetId)).to.deep.equal(POLICY);

    const random = seededRandom(8545);
    const ham = loadEmails().filter((e) => !e.spam && Buffer.byteLength(e.text) <= Number(POLICY.maxFileBytes));
    for (let i = 0; i < 6; i++) {
      const contributor = signers[5 + (i % 3)];
      const text = ham.splice(Math.floor(random() * ham.length), 1)[0].text;
      const r = await owner.connect(contributor).submit({ datanetId, content: text });
      expect(r.contentHash).to.equal(contentId(text).contentHash);
      expect(r.uri).to.equal(`ipfs://${contentId(text).cid}`);
      submitted.push({ contentHash: r.contentHash, contributor: contributor.address, text });
    }
    for (const s of submitted) {
      const view = await owner.contribution({ datanetId, contentHash: s.contentHash });
      expect([view.status, view.contributor, view.size]).to.deep.equal([
        "Pending",
        s.contributor,
        BigInt(Buffer.byteLength(s.text)),
      ]);
    }
    expect(await open.balanceOf(registry)).to.equal(6n * POLICY.bond);
  });

  it("settles contributions by the validators' votes", async function () {
    const [v1, v2, v3] = [2, 3, 4].map((i) => owner.connect(signers[i]));
    // Accept the first four, reject the fifth, leave the sixth pending with one vote.
    for (const s of submitted.slice(0, 4)) {
      await v1.vote(datanetId, s.contentHash, true);
      await v2.vote(datanetId, s.contentHash, true);
    }
    await v2.vote(datanetId, submitted[4].contentHash, false);
    await v3.vote(datanetId, submitted[4].contentHash, false);
    await v3.vote(datanetId, submitted[5].contentHash, true);
    const statuses = [];
    for (const s of submitted)
      statuses.push((await owner.contribution({ datanetId, contentHash: s.contentHash })).status);
    expect(statuses).to.deep.equal(["Accepted", "Accepted", "Accepted", "Accepted", "Rejected", "Pending"]);
    expect(await owner.reputation(datanetId, signers[5].address)).to.deep.equal({
      accepted: 2,
      rejected: 0,
      acceptedBytes: BigInt(Buffer.byteLength(submitted[0].text) + Buffer.byteLength(submitted[3].text)),
    });
    expect(await owner.bondCredit(signers[5].address)).to.equal(2n * POLICY.bond);
    expect(await datanets.treasuryBalance(datanetId)).to.equal(POLICY.bond);
  });

  it("decodes reverts sent back over JSON-RPC into typed errors", async function () {
    const first = submitted[0];
    const mallory = owner.connect(signers[7]);
    let duplicate: unknown;
    await mallory.submit({ datanetId, content: first.text }).catch((e) => (duplicate = e));
    expect(duplicate).to.be.instanceOf(DuplicateContentError);
    const error = duplicate as DuplicateContentError;
    expect(error.args.contributionId).to.equal(await datanets.contributionIdOf(datanetId, first.contentHash, 1));
    expect(error.args.datanetId).to.equal(datanetId);
    expect(error.shortMessage).to.contain(`already pending or accepted in Datanet ${datanetId}`);

    let unauthorized: unknown;
    await mallory.vote(datanetId, submitted[5].contentHash, true).catch((e) => (unauthorized = e));
    expect(unauthorized).to.be.instanceOf(UnauthorizedError);
    expect((unauthorized as UnauthorizedError).args.account).to.equal(signers[7].address);
  });

  it("publishes a version and verifies it from events read over HTTP", async function () {
    const published = await owner.publishVersion(datanetId);
    expect([published.version, published.count]).to.deep.equal([1, 4]);
    const [count, digest] = await datanets.currentDigest(datanetId);
    expect([BigInt(published.count), published.digest]).to.deep.equal([count, digest]);

    const indexer = new DatanetIndexer(provider, registry, { blockRange: 7 });
    await indexer.sync();
    const check = await owner.verifyVersion(datanetId, 1, indexer);
    expect(check).to.deep.equal({ version: 1, count: 4, onchainDigest: digest, recomputedDigest: digest, valid: true });
    expect((await owner.verifyVersion(datanetId, 1)).valid).to.equal(true);

    const board = rankContributors(indexer.reputation(datanetId));
    expect(board.map((r) => [r.account, r.accepted, r.rejected])).to.deep.equal([
      [signers[5].address, 2, 0],
      [signers[7].address, 1, 0],
      [signers[6].address, 1, 1],
    ]);
    for (const row of board) {
      const onchain = await owner.reputation(datanetId, row.account);
      expect([onchain.accepted, onchain.rejected, onchain.acceptedBytes]).to.deep.equal([
        row.accepted,
        row.rejected,
        row.acceptedBytes,
      ]);
    }
  });
});
