import { expect } from "chai";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ethers } from "ethers";
import { SettlementClient, buildInferenceLog } from "../../sdk/src";
import { OfferingClient } from "../../sdk/src/clients/offeringClient";
import { offeringGroup } from "../../scripts/offering";
import { runGroup } from "../../scripts/lib/cli";
import { runCommand } from "../helpers/examples";
import { ROLES, operatorChain } from "../helpers/operatorChain";
import type { OperatorChain } from "../helpers/operatorChain";

const DAY = 86_400;
const E18 = 10n ** 18n;
const MODEL = "1";
/** Two buyers oversubscribing the 1,000 OPEN hard cap. */
const BUYERS = [
  { index: ROLES.payer, amount: "300" },
  { index: ROLES.careless, amount: "900.5" },
];

/** Terms the factory takes on the operator's chain (1 wei a call: a fees milestone costs its threshold to fake). */
const TERMS = {
  name: "Mail quoter shares",
  symbol: "QUOTE",
  split: { sale: "600000", creator: "200000", contributors: "150000", treasury: "50000" },
  sale: { softCap: "400", hardCap: "1000", deadline: "+1d", upfrontBps: 6000 },
  vesting: { cliff: "1d", duration: "30d" },
  endVote: { quorumBps: 2000, votingPeriod: "3d" },
  milestones: [{ kind: "SettledFees", trancheBps: 4000, deadline: "+60d", threshold: "1000" }],
  creatorKeepsVersions: true,
  governance: { votingDelay: "1d", votingPeriod: "3d", quorumPercent: 4, proposalThreshold: "0", timelockDelay: "2d" },
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe("npm run offering against a hardhat node", function () {
  this.timeout(180_000);

  let chain: OperatorChain;
  let accounts: string[];
  let termsPath: string;
  let client: OfferingClient;

  const network = () => [
    ...["--network", "localhost", "--rpc", chain.node.url, "--deployment", chain.deploymentPath],
    ...["--data", join(chain.dir, "index"), "--content", chain.contentDir],
  ];
  /** Runs `npm run offering -- <args>` in this process (a process each would take minutes), capturing its output. */
  async function offering(...args: string[]): Promise<Run> {
    const [log, error] = [console.log, console.error];
    let stdout = "";
    let stderr = "";
    console.log = (...parts: unknown[]) => (stdout += parts.join(" ") + "\n");
    console.error = (...parts: unknown[]) => (stderr += parts.join(" ") + "\n");
    try {
      const [command, ...rest] = args;
      return { code: await runGroup(offeringGroup, [command, ...rest, ...network()]), stdout, stderr };
    } finally {
      [console.log, console.error] = [log, error];
    }
  }
  const as = (role: number) => ["--account-index", String(role)];
  const nonces = () => Promise.all(accounts.map((a) => chain.node.provider.getTransactionCount(a)));

  before(async function () {
    chain = await operatorChain(60n);
    accounts = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => (await chain.node.provider.getSigner(i)).getAddress()),
    );
    termsPath = join(chain.dir, "terms.json");
    await writeFile(termsPath, JSON.stringify(TERMS));
    client = await OfferingClient.connect(chain.deployment.contracts.offeringFactory.address, chain.node.provider);
  });

  after(async function () {
    await chain?.stop();
    if (chain) await rm(chain.dir, { recursive: true, force: true });
  });

  it("prints the group's help and each command's, through the npm script's entry", async function () {
    const group = await runCommand("node", ["--import", "tsx", "scripts/offering.ts", "--help"]);
    expect(group.code, group.stderr).to.equal(0);
    expect(group.stdout).to.contain("Usage: npm run offering -- <launch | status | buy | finalize | claim>");
    for (const command of Object.keys(offeringGroup.commands)) {
      const run = await offering(command, "--help");
      expect(run.code, command).to.equal(0);
      expect(run.stdout).to.contain(`Usage: npm run offering -- ${command} [options]`);
      expect(run.stdout).to.contain("--network <name>");
    }
    const launch = await offering("launch", "--help");
    expect(launch.stdout).to.contain("The terms file (JSON").and.contain("docs/offering-terms.json");
  });

  it("refuses bad input with one line and its exit code, and sends nothing", async function () {
    const before = await nonces();
    const cheap = join(chain.dir, "cheap.json");
    await writeFile(cheap, JSON.stringify({ ...TERMS, milestones: [{ ...TERMS.milestones[0], threshold: "1" }] }));
    const cases: [string[], number, RegExp][] = [
      [["buy", "--amount", "1", ...as(ROLES.payer)], 2, /^offering buy: missing --model \(see --help\)\.$/],
      [
        ["buy", "--model", "7", "--amount", "1", ...as(ROLES.payer)],
        2,
        /Model 7 does not exist: the registry has 1 model/,
      ],
      [
        ["buy", "--model", MODEL, "--amount", "ten", ...as(ROLES.payer)],
        2,
        /--amount must be a positive amount of OPEN/,
      ],
      [["buy", "--model", MODEL, "--amount", "0", ...as(ROLES.payer)], 2, /--amount must be a positive amount of OPEN/],
      [["buy", "--model", MODEL, "--amount", "1", ...as(ROLES.payer)], 2, /Model 1 has no offering\./],
      [["status", "--model", MODEL], 2, /Model 1 has no offering\./],
      [["claim", "--model", MODEL, ...as(ROLES.payer)], 2, /give what to claim: one of shares, revenue, vested/],
      [
        ["launch", "--model", MODEL, "--terms", cheap, ...as(ROLES.developer)],
        2,
        /Offering terms, milestones\[0\]: faking it costs .* less than its tranche/,
      ],
      [
        ["launch", "--model", MODEL, "--terms", termsPath, ...as(ROLES.payer)],
        1,
        /only model 1's owner .* can launch its offering/,
      ],
    ];
    const failures: string[] = [];
    for (const [args, code, message] of cases) {
      const run = await offering(...args);
      const lines = run.stderr.trim().split("\n");
      if (run.code !== code || lines.length !== 1 || !message.test(lines[0])) {
        failures.push(`${args.join(" ")}: exit ${run.code}, stderr ${JSON.stringify(run.stderr)}`);
      }
    }
    expect(failures).to.deep.equal([]);
    expect(await nonces()).to.deep.equal(before);
  });

  it("prints the split, the milestones' faking costs and the prospectus on a dry run, sending nothing", async function () {
    const before = await chain.node.provider.getTransactionCount(accounts[ROLES.developer]);
    const run = await offering("launch", "--model", MODEL, "--terms", termsPath, ...as(ROLES.developer), "--dry-run");
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout)
      .to.contain("model 1's supply of 1,000,000 shares")
      .and.match(/Contributors +│ +150,000 +│ +15\.00% +│ by accepted bytes/)
      .and.match(/│ 0 +│ SettledFees │ 1,000 OPEN of fees since launch │ .* │ +40% \(396 OPEN\) │ +800 OPEN │/)
      .and.match(/Prospectus ipfs:\/\/\S+ \(keccak256 0x[0-9a-f]{64}\), not published/)
      .and.contain("Dry run: nothing was sent.");
    expect(await chain.node.provider.getTransactionCount(accounts[ROLES.developer])).to.equal(before);
    await rejectsNoOffering();
  });

  async function rejectsNoOffering() {
    expect((await client.factory.offeringOf(1n)).offering).to.equal(ethers.ZeroAddress);
  }

  it("launches, takes two buyers' deposits, shows them, finalizes after the deadline and settles the buyers", async function () {
    const launch = await offering("launch", "--model", MODEL, "--terms", termsPath, ...as(ROLES.developer));
    expect(launch.code, launch.stderr).to.equal(0);
    expect(launch.stdout)
      .to.contain("offering launched")
      .and.match(/Prospectus ipfs:\/\/\S+ .*, published/);
    const { offering: address } = await client.offeringOf(1n);

    for (const buyer of BUYERS) {
      const run = await offering("buy", "--model", MODEL, "--amount", buyer.amount, ...as(buyer.index));
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.contain(`Deposited ${Number(buyer.amount).toLocaleString("en-US")} OPEN`);
    }
    const again = await offering("buy", "--model", MODEL, "--amount", "1", ...as(ROLES.payer));
    expect(again.code).to.equal(1);
    expect(again.stderr.trim().split("\n")).to.have.length(1);

    const status = await offering("status", "--model", MODEL, "--account", accounts[ROLES.payer]);
    expect(status.code, status.stderr).to.equal(0);
    expect(status.stdout)
      .to.contain("Model 1's offering: Sale (open)")
      .and.contain("Sale: 1,200.5 OPEN deposited by 2 buyer(s)")
      .and.contain("oversubscribed: each deposit filled 83.30%")
      .and.match(/│ +300 OPEN │ 249\.8958 OPEN │ 149,937\.5260 │ 50\.1041 OPEN │/);
    const json = JSON.parse((await offering("status", "--model", MODEL, "--json")).stdout) as {
      status: { totalDeposits: string };
      preview: { raised: string };
    };
    expect(BigInt(json.status.totalDeposits)).to.equal(12_005n * 10n ** 17n);
    expect(BigInt(json.preview.raised)).to.equal(1_000n * E18);

    await chain.advance(BigInt(DAY + 60));
    const closed = await offering("buy", "--model", MODEL, "--amount", "1", ...as(ROLES.validator));
    expect(closed.code).to.equal(1);
    expect(closed.stderr.trim()).to.match(/^offering buy: The sale closed at .*; no more deposits\.$/);

    const finalize = await offering("finalize", "--model", MODEL, "--settle", ...as(ROLES.attestor));
    expect(finalize.code, finalize.stderr).to.equal(0);
    expect(finalize.stdout).to.contain("The sale succeeded").and.contain("Buyers settled");
    const offeringContract = client.offering(address);
    expect(await offeringContract.state()).to.equal(2n);
    for (const buyer of BUYERS) {
      expect((await offeringContract.deposits(accounts[buyer.index])).settled).to.equal(true);
    }
  });

  it("claims a contributor's shares from the prospectus's tree and a buyer's revenue after a settlement", async function () {
    const { offering: address, shares } = await client.offeringOf(1n);
    const contributor = accounts[4];
    const claim = await offering("claim", "shares", "--model", MODEL, "--account", contributor, ...as(ROLES.attestor));
    expect(claim.code, claim.stderr).to.equal(0);
    expect(await client.offering(address).contributorClaimed(contributor)).to.be.greaterThan(0n);

    const settler = await SettlementClient.connect(
      chain.deployment.contracts.settlement.address,
      await chain.node.provider.getSigner(ROLES.payer),
    );
    const log = buildInferenceLog([
      {
        id: "after-launch",
        modelId: 1n,
        modelVersion: 1,
        calls: 10n ** 18n,
        queryHash: ethers.id("after launch"),
        output: { kind: "text", text: "an answer" },
      },
    ]);
    await settler.settleLog({ modelId: 1n, log });
    const buyer = accounts[ROLES.careless];
    const [holder] = await client.holders(shares, [buyer]);
    expect(holder.accrued).to.be.greaterThan(0n);
    const revenue = await offering("claim", "revenue", "--model", MODEL, ...as(ROLES.careless));
    expect(revenue.code, revenue.stderr).to.equal(0);
    expect(revenue.stdout).to.contain(`(${holder.accrued} wei) of model 1's revenue for ${buyer}`);
  });
});
