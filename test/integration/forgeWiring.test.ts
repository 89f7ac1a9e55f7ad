import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ethers } from "hardhat";
import { ContractFactory, ZeroAddress, ZeroHash, id } from "ethers";
import type { Signer } from "ethers";
import { deployProtocol } from "../../deploy/protocol";
import {
  DatanetRegistry__factory,
  EpochClock__factory,
  InferenceSettlement__factory,
  ModelRegistry__factory,
  OfferingFactory__factory,
  OpenGovernor__factory,
  OpenToken__factory,
  RewardDistributor__factory,
  StakingPool__factory,
  TimelockController__factory,
} from "../../typechain-types";

/*
 * The forge campaign (test/foundry/System.invariant.t.sol) cannot run the TypeScript deployment: its set-up,
 * test/foundry/SystemDeploy.sol, mirrors deployProtocol with governance. This deploys both in the in-process network
 * and checks that they are wired alike: every role holder, every owner, every link between contracts and every
 * parameter, with addresses replaced by what they are.
 */

const ROOT = path.resolve(__dirname, "../..");
const OUT = path.join(ROOT, "out");

/** forge's artifact of `contract` in `file` (out/<file>/<contract>.json): its ABI and creation code. */
function forgeArtifact(file: string, contract = path.basename(file, ".sol")) {
  const json = JSON.parse(fs.readFileSync(path.join(OUT, path.basename(file), `${contract}.json`), "utf8"));
  return { abi: json.abi, bytecode: json.bytecode.object as string };
}

/** The named accounts and contracts of one deployment, by address. */
type Names = Map<string, string>;

const ROLES = {
  admin: ZeroHash,
  attestor: id("ATTESTOR_ROLE"),
  guardian: id("GUARDIAN_ROLE"),
  proposer: id("PROPOSER_ROLE"),
  canceller: id("CANCELLER_ROLE"),
  executor: id("EXECUTOR_ROLE"),
};

/** Every named account that holds `role` on the AccessControl contract at `address`, sorted. */
async function holders(names: Names, runner: Signer, address: string, role: string): Promise<string[]> {
  const contract = TimelockController__factory.connect(address, runner);
  const held: string[] = [];
  for (const [account, name] of names) if (await contract.hasRole(role, account)) held.push(name);
  return held.sort();
}

/** The deployment's wiring, with every address replaced by its name. */
async function wiring(runner: Signer, a: Record<string, string>, names: Names) {
  const name = (address: string) => names.get(address.toLowerCase()) ?? `unnamed ${address}`;
  const open = OpenToken__factory.connect(a.open, runner);
  const clock = EpochClock__factory.connect(a.clock, runner);
  const rewards = RewardDistributor__factory.connect(a.rewards, runner);
  const staking = StakingPool__factory.connect(a.staking, runner);
  const settlement = InferenceSettlement__factory.connect(a.settlement, runner);
  const factory = OfferingFactory__factory.connect(a.offeringFactory, runner);
  const timelock = TimelockController__factory.connect(a.timelock, runner);
  const governor = OpenGovernor__factory.connect(a.governor, runner);
  const split = await settlement.feeSplit();
  return {
    open: {
      name: await open.name(),
      symbol: await open.symbol(),
      supply: await open.totalSupply(),
      treasuryBalance: await open.balanceOf(a.treasury),
      clockMode: await open.CLOCK_MODE(),
    },
    datanets: { bondToken: name(await DatanetRegistry__factory.connect(a.datanets, runner).BOND_TOKEN()) },
    models: { datanets: name(await ModelRegistry__factory.connect(a.models, runner).DATANETS()) },
    clock: { owner: name(await clock.owner()), epochLength: await clock.epochLength() },
    rewards: {
      token: name(await rewards.REWARD_TOKEN()),
      clock: name(await rewards.CLOCK()),
      challengeWindow: await rewards.challengeWindow(),
      admins: await holders(names, runner, a.rewards, ROLES.admin),
      attestors: await holders(names, runner, a.rewards, ROLES.attestor),
      guardians: await holders(names, runner, a.rewards, ROLES.guardian),
    },
    staking: {
      token: name(await staking.STAKE_TOKEN()),
      owner: name(await staking.owner()),
      cooldown: await staking.cooldown(),
      maxCooldown: await staking.MAX_COOLDOWN(),
      rewardPeriod: await staking.REWARD_PERIOD(),
      notifier: name(await staking.rewardNotifier()),
    },
    settlement: {
      token: name(await settlement.PAYMENT_TOKEN()),
      models: name(await settlement.MODELS()),
      clock: name(await settlement.CLOCK()),
      staking: name(await settlement.STAKING()),
      rewards: name(await settlement.REWARDS()),
      treasury: name(await settlement.treasury()),
      owner: name(await settlement.owner()),
      split: [split.treasuryBps, split.modelBps, split.stakersBps, split.contributorsBps],
    },
    offeringFactory: {
      token: name(await factory.PAYMENT_TOKEN()),
      models: name(await factory.MODELS()),
      settlement: name(await factory.SETTLEMENT()),
      feeBps: await factory.protocolFeeBps(),
      treasury: name(await factory.protocolTreasury()),
      owner: name(await factory.owner()),
    },
    timelock: {
      minDelay: await timelock.getMinDelay(),
      admins: await holders(names, runner, a.timelock, ROLES.admin),
      proposers: await holders(names, runner, a.timelock, ROLES.proposer),
      cancellers: await holders(names, runner, a.timelock, ROLES.canceller),
      executors: await holders(names, runner, a.timelock, ROLES.executor),
    },
    governor: {
      name: await governor.name(),
      token: name(await governor.token()),
      timelock: name(await governor.timelock()),
      votingDelay: await governor.votingDelay(),
      votingPeriod: await governor.votingPeriod(),
      proposalThreshold: await governor.proposalThreshold(),
      quorumNumerator: await governor["quorumNumerator()"](),
      clockMode: await governor.CLOCK_MODE(),
    },
  };
}

/** Names for a deployment's addresses: its contracts, the deployer, the roles, and the zero address (anyone). */
function namesOf(a: Record<string, string>, deployer: string): Names {
  const names: Names = new Map([[ZeroAddress, "anyone"]]);
  names.set(deployer, "deployer");
  for (const [n, address] of Object.entries(a)) names.set(address, n);
  return new Map([...names].map(([address, n]) => [address.toLowerCase(), n]));
}

/** Runs `forge build` (through the platform binary) when forge's artifacts are missing. */
function ensureForgeArtifacts(): void {
  if (fs.existsSync(path.join(OUT, "SystemDeploy.sol", "SystemDeploy.json"))) return;
  const build = spawnSync(path.join(ROOT, "scripts/foundry/bin.sh"), ["forge", "build"], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (build.status !== 0) throw new Error(`forge build failed:\n${build.stdout}${build.stderr}`);
}

describe("The forge campaign's Solidity deployment", function () {
  this.timeout(600_000);

  it("wires the protocol exactly as deployProtocol with governance does", async function () {
    ensureForgeArtifacts();
    const [deployer, treasury, attestor, guardian] = await ethers.getSigners();
    const roles = { treasury: treasury.address, attestor: attestor.address, guardian: guardian.address };

    const deployed = await deployProtocol(deployer, { ...roles, governance: { governor: {} } });
    const hardhat: Record<string, string> = { ...roles };
    for (const key of [
      "open",
      "datanets",
      "clock",
      "rewards",
      "models",
      "staking",
      "settlement",
      "offeringFactory",
      "timelock",
      "governor",
    ] as const) {
      hardhat[key] = await deployed[key]!.getAddress();
    }

    const systemDeploy = forgeArtifact("SystemDeploy.sol");
    const forgeDeploy = await new ContractFactory(systemDeploy.abi, systemDeploy.bytecode, deployer).deploy(roles);
    const code = (file: string, contract?: string) => forgeArtifact(file, contract).bytecode;
    const step = (method: string, ...args: unknown[]) =>
      forgeDeploy
        .getFunction(method)(...args)
        .then((tx: { wait(): Promise<unknown> }) => tx.wait());
    await step(
      "deployRegistries",
      code("OpenToken.sol"),
      code("DatanetRegistry.sol"),
      code("EpochClock.sol"),
      code("RewardDistributor.sol"),
    );
    await step("deploySettlement", code("ModelRegistry.sol"), code("StakingPool.sol"), code("InferenceSettlement.sol"));
    await step(
      "deployOfferingImplementations",
      code("ModelOffering.sol"),
      code("ModelShares.sol"),
      code("ModelController.sol"),
    );
    await step(
      "deployOfferingFactory",
      code("ModelGovernor.sol"),
      code("ModelTimelock.sol"),
      code("OfferingFactory.sol"),
    );
    await step("deployGovernance", code("TimelockController.sol"), code("OpenGovernor.sol"));
    await step("handOver");
    const forge: Record<string, string> = { ...roles };
    for (const key of Object.keys(hardhat)) {
      if (!(key in roles)) forge[key] = await forgeDeploy.getFunction(key)();
    }

    const fromHardhat = await wiring(deployer, hardhat, namesOf(hardhat, deployer.address));
    const fromForge = await wiring(deployer, forge, namesOf(forge, await forgeDeploy.getAddress()));
    expect(fromForge).to.deep.equal(fromHardhat);
    // The comparison means something only if the reads do: spot-check the handover and the defaults.
    expect(fromHardhat.clock.owner).to.equal("timelock");
    expect(fromHardhat.rewards.admins).to.deep.equal(["timelock"]);
    expect(fromHardhat.timelock.proposers).to.deep.equal(["governor"]);
    expect(fromHardhat.timelock.executors).to.deep.equal(["anyone"]);
    expect(fromHardhat.settlement.split).to.deep.equal([1000n, 2000n, 2000n, 5000n]);
  });
});
