import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZeroHash, getAddress, id, keccak256, toUtf8Bytes } from "ethers";
import { DEFAULT_OFFERING_FEE_BPS } from "../../deploy/offering";
import { readDeployment } from "../../sdk/src/node";
import type { ProtocolDeploymentFile } from "../../sdk/src/node";
import {
  DatanetRegistry__factory,
  EpochClock__factory,
  InferenceSettlement__factory,
  ModelRegistry__factory,
  OfferingFactory__factory,
  RewardDistributor__factory,
  StakingPool__factory,
} from "../../typechain-types";
import { runCommand } from "../helpers/examples";
import type { CommandRun } from "../helpers/examples";
import { startHardhatNode } from "../helpers/hardhatNode";
import type { HardhatNode } from "../helpers/hardhatNode";

/** The contracts a deployment without governance and with a new token holds. */
const CONTRACTS = [
  "open",
  "datanets",
  "clock",
  "rewards",
  "models",
  "staking",
  "settlement",
  "offeringImplementation",
  "sharesImplementation",
  "controllerImplementation",
  "governorImplementation",
  "timelockImplementation",
  "offeringFactory",
];

describe("The deploy script over HTTP against a hardhat node", function () {
  this.timeout(300_000);

  let node: HardhatNode;
  let dir: string;
  let accounts: string[];
  /** Roles every run here gives, so that runs by different deployers can be compared. */
  let roles: string[];

  function deployCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CommandRun> {
    const childEnv = { ...process.env, ...env };
    delete childEnv.HARDHAT_NETWORK;
    if (!("PRIVATE_KEY" in env)) delete childEnv.PRIVATE_KEY;
    return runCommand("node", ["--import", "tsx", "scripts/deploy.ts", ...args], {
      env: childEnv,
      timeout: 180_000,
    });
  }

  /** Deploys from development account `account` to `file`, with the governance hand-over. */
  const deploying = (account: number, file: string, extra: string[] = []) => [
    ...["--network", "localhost", "--rpc", node.url, "--account-index", String(account), "--deployment", file],
    ...["--attestor", roles[0], "--guardian", roles[1], "--treasury", roles[2], "--admin", accounts[account]],
    ...["--governance", "--timelock-delay", String(9 * 86_400)],
    ...extra,
  ];

  /** The protocol's links and roles read from the chain, every address replaced by its name in `file`. */
  async function wiring(file: ProtocolDeploymentFile) {
    const names = new Map<string, string>([[file.deployer, "deployer"]]);
    for (const [name, contract] of Object.entries(file.contracts)) names.set(contract.address, name);
    for (const [role, address] of Object.entries(file.roles))
      if (address && !names.has(address)) names.set(address, role);
    const name = (address: string) => names.get(getAddress(address)) ?? address;
    const c = file.contracts;
    const p = node.provider;
    const rewards = RewardDistributor__factory.connect(c.rewards.address, p);
    const settlement = InferenceSettlement__factory.connect(c.settlement.address, p);
    const staking = StakingPool__factory.connect(c.staking.address, p);
    const clock = EpochClock__factory.connect(c.clock.address, p);
    const offeringFactoryWiring = async (factory: ReturnType<typeof OfferingFactory__factory.connect>) => ({
      links: (
        await Promise.all([
          factory.PAYMENT_TOKEN(),
          factory.MODELS(),
          factory.SETTLEMENT(),
          factory.protocolTreasury(),
          factory.owner(),
        ])
      ).map(name),
      feeBps: await factory.protocolFeeBps(),
    });
    const holders = async (role: string) => {
      const all = [file.deployer, c.timelock.address, file.roles.attestor, file.roles.guardian];
      return (await Promise.all(all.map(async (a) => ((await rewards.hasRole(role, a)) ? name(a) : "")))).filter(
        Boolean,
      );
    };
    return {
      rewards: {
        token: name(await rewards.REWARD_TOKEN()),
        clock: name(await rewards.CLOCK()),
        window: await rewards.challengeWindow(),
        attestors: await holders(id("ATTESTOR_ROLE")),
        guardians: await holders(id("GUARDIAN_ROLE")),
        admins: await holders(ZeroHash),
      },
      settlement: {
        links: (
          await Promise.all([
            settlement.PAYMENT_TOKEN(),
            settlement.MODELS(),
            settlement.CLOCK(),
            settlement.STAKING(),
            settlement.REWARDS(),
            settlement.treasury(),
            settlement.owner(),
          ])
        ).map(name),
        split: (await settlement.feeSplit()).map(Number),
      },
      staking: [await staking.STAKE_TOKEN(), await staking.rewardNotifier(), await staking.owner()].map(name),
      clock: { owner: name(await clock.owner()), length: await clock.epochLength() },
      models: name(await ModelRegistry__factory.connect(c.models.address, p).DATANETS()),
      offeringFactory: await offeringFactoryWiring(OfferingFactory__factory.connect(c.offeringFactory.address, p)),
      datanets: name(await DatanetRegistry__factory.connect(c.datanets.address, p).BOND_TOKEN()),
    };
  }

  const nonceOf = (account: number) => node.provider.getTransactionCount(accounts[account]);

  before(async function () {
    node = await startHardhatNode();
    accounts = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => (await node.provider.getSigner(i)).getAddress()),
    );
    roles = accounts.slice(7, 10);
    dir = await mkdtemp(join(tmpdir(), "deploy-"));
  });

  after(async function () {
    await node?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("deploys, records every transaction, and the SDK reads the file", async function () {
    const path = join(dir, "whole.json");
    const run = await deployCli(deploying(0, path));
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("Chain 31337").and.contain(`Signer ${accounts[0]}`);

    const file = await readDeployment(path);
    expect(file).to.include({ network: "localhost", chainId: 31337, deployer: accounts[0] });
    expect(file.completedAt).to.be.a("string");
    expect(file.gitCommit).to.match(/^([0-9a-f]{40}|unknown)$/);
    expect(Object.keys(file.contracts)).to.have.members([...CONTRACTS, "timelock"]);
    expect(file.roles).to.deep.equal({
      attestor: roles[0],
      guardian: roles[1],
      admin: accounts[0],
      treasury: roles[2],
      timelock: file.contracts.timelock.address,
    });
    expect(file.parameters.governance).to.deep.equal({ minDelay: String(9 * 86_400), governor: false });
    // 14 transactions, the timelock, the ownership of clock, staking, settlement and the offering factory and the
    // distributor's admin role.
    expect(file.steps).to.have.length(21);
    for (const step of file.steps) {
      expect(step.status).to.equal("mined");
      expect(run.stdout).to.contain(`Transaction ${step.txHash}`);
    }
    const rewards = file.contracts.rewards;
    const receipt = await node.provider.getTransactionReceipt(rewards.txHash!);
    expect([receipt!.contractAddress, receipt!.blockNumber]).to.deep.equal([rewards.address, rewards.block]);
    expect(rewards.abiHash).to.equal(keccak256(toUtf8Bytes(JSON.stringify(RewardDistributor__factory.abi))));
    expect(rewards.codeHash).to.equal(keccak256(await node.provider.getCode(rewards.address)));
    const w = await wiring(file);
    expect(w.rewards).to.deep.include({ attestors: ["attestor"], guardians: ["guardian"], admins: ["timelock"] });
    expect(w.settlement.links).to.deep.equal(["open", "models", "clock", "staking", "rewards", "treasury", "timelock"]);
    expect(w.staking).to.deep.equal(["open", "settlement", "timelock"]);
    expect(w.offeringFactory).to.deep.equal({
      links: ["open", "models", "settlement", "treasury", "timelock"],
      feeBps: BigInt(DEFAULT_OFFERING_FEE_BPS),
    });
  });

  it("does nothing and says so when run again with a complete file", async function () {
    const before = await nonceOf(0);
    const run = await deployCli(deploying(0, join(dir, "whole.json")));
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain("Nothing to do:").and.contain("is complete (21 transactions");
    expect(await nonceOf(0)).to.equal(before);
  });

  it("prints the plan on a dry run, every contract and a total, and sends nothing", async function () {
    const before = await nonceOf(1);
    const path = join(dir, "dry.json");
    const run = await deployCli(deploying(1, path, ["--dry-run"]));
    expect(run.code, run.stderr).to.equal(0);
    for (const contract of [
      "OpenToken",
      "DatanetRegistry",
      "EpochClock",
      "RewardDistributor",
      "ModelRegistry",
      "StakingPool",
      "InferenceSettlement",
      "ModelOffering",
      "ModelShares",
      "ModelController",
      "ModelGovernor",
      "ModelTimelock",
      "OfferingFactory",
      "TimelockController",
    ]) {
      expect(run.stdout).to.contain(`deploy ${contract}`);
    }
    expect(run.stdout).to.contain("staking.setRewardNotifier").and.contain("rewards.grantRole");
    expect(run.stdout).to.match(/Total: [1-9][0-9]+ gas \(simulated\), [0-9.]+ in the chain's currency/);
    expect(run.stdout).to.contain("Dry run: nothing was sent.");
    expect(await nonceOf(1)).to.equal(before);
    expect(await readFile(path).catch(() => "absent")).to.equal("absent");
  });

  it("resumes a run killed after its third transaction and ends with the same wiring as an uninterrupted run", async function () {
    const path = join(dir, "resumed.json");
    const killed = await deployCli(deploying(2, path), { DEPLOY_EXIT_AFTER_STEPS: "3" });
    expect(killed.code).to.not.equal(0);
    const partial = await readDeployment(path);
    expect(partial.steps.map((s) => s.name)).to.deep.equal(["open", "datanets", "clock"]);
    expect(partial.completedAt).to.equal(null);

    const resumed = await deployCli(deploying(2, path));
    expect(resumed.code, resumed.stderr).to.equal(0);
    expect(resumed.stdout).to.contain("Resuming").and.contain("after step 3 of 21");
    const file = await readDeployment(path);
    expect(file.steps).to.have.length(21);
    expect(file.steps.slice(0, 3)).to.deep.equal(partial.steps);
    // Eighteen transactions more, none sent twice.
    expect(await nonceOf(2)).to.equal(21);
    const whole = await readDeployment(join(dir, "whole.json"));
    expect(await wiring(file)).to.deep.equal(await wiring(whole));
  });

  it("refuses a deployment file whose chain id or recorded code is not the node's, sending nothing", async function () {
    const whole = JSON.parse(await readFile(join(dir, "whole.json"), "utf8")) as ProtocolDeploymentFile;
    const otherChain = join(dir, "other-chain.json");
    await writeFile(otherChain, JSON.stringify({ ...whole, chainId: 1, completedAt: null }));
    const otherCode = join(dir, "other-code.json");
    const contracts = { ...whole.contracts, rewards: { ...whole.contracts.rewards, codeHash: keccak256("0x01") } };
    await writeFile(otherCode, JSON.stringify({ ...whole, contracts, completedAt: null }));
    const before = await nonceOf(0);

    const chain = await deployCli(deploying(0, otherChain));
    expect(chain.code).to.equal(2);
    expect(chain.stderr.trim()).to.match(
      /^deploy: .*other-chain\.json is a deployment on chain 1, but .* is chain 31337/,
    );
    const code = await deployCli(deploying(0, otherCode));
    expect(code.code).to.equal(1);
    expect(code.stderr).to.contain("contracts.rewards.address").and.contain("is not the recorded code");
    expect(await nonceOf(0)).to.equal(before);
  });
});
