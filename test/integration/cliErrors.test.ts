import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZeroHash } from "ethers";
import { deployProtocol } from "../../deploy/protocol";
import { buildRewardTree } from "../../sdk/src";
import { serializeModelFile, trainTextClassifier } from "../../sdk/src/ml";
import { appCommand } from "../../scripts/app";
import { claimCommand } from "../../scripts/claim";
import { deployCommand } from "../../scripts/deploy";
import { attributeCommand, epochAcceptCommand, epochRunCommand, epochStatusCommand } from "../../scripts/epoch";
import { gatewayCommand } from "../../scripts/gateway";
import { verifyEpochCommand } from "../../scripts/verifyEpoch";
import { watchCommand } from "../../scripts/watch";
import { runCli } from "../../scripts/lib/cli";
import type { Command } from "../../scripts/lib/cli";
import type { ProtocolDeploymentFile } from "../../sdk/src/node";
import { deploymentFile } from "../helpers/deploymentFile";
import { devKey, runCommand } from "../helpers/examples";
import { startHardhatNode } from "../helpers/hardhatNode";
import type { HardhatNode } from "../helpers/hardhatNode";

const COMMANDS = {
  deploy: deployCommand as Command<never>,
  claim: claimCommand as Command<never>,
  "epoch attribute": attributeCommand as Command<never>,
  "epoch run": epochRunCommand as Command<never>,
  "epoch accept": epochAcceptCommand as Command<never>,
  "epoch status": epochStatusCommand as Command<never>,
  "verify-epoch": verifyEpochCommand as Command<never>,
  watch: watchCommand as Command<never>,
  gateway: gatewayCommand as Command<never>,
  app: appCommand as Command<never>,
};

/** Variables a case may set; every other case runs without them. */
const VARIABLES = [
  "PRIVATE_KEY",
  "GATEWAY_PRIVATE_KEY",
  "RPC_URL",
  "DEPLOYMENT",
  "DISTRIBUTOR",
  "KEYSTORE_PASSWORD",
  "NETWORK",
  "CONTENT_GATEWAY",
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command as its script would, in this process (a process each would take minutes): its arguments, its
 * environment, what it prints on stdout and stderr, and its exit code.
 */
async function runInProcess({ command, args, env = {} }: Case): Promise<Run> {
  const saved = Object.fromEntries(VARIABLES.map((v) => [v, process.env[v]]));
  const [log, error] = [console.log, console.error];
  const out = { stdout: "", stderr: "" };
  for (const v of VARIABLES) {
    if (env[v] === undefined) delete process.env[v];
    else process.env[v] = env[v];
  }
  console.log = (...parts: unknown[]) => (out.stdout += parts.join(" ") + "\n");
  console.error = (...parts: unknown[]) => (out.stderr += parts.join(" ") + "\n");
  try {
    return { code: await runCli(COMMANDS[command], args), ...out };
  } finally {
    [console.log, console.error] = [log, error];
    for (const v of VARIABLES) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
  }
}

/** One bad invocation and what it must give. */
interface Case {
  command: keyof typeof COMMANDS;
  title: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  code: number;
  /** The one line on stderr. */
  message: RegExp;
  /** Must end within this many milliseconds (an unreachable node). */
  within?: number;
}

describe("Every command's bad input", function () {
  this.timeout(240_000);

  let node: HardhatNode;
  let dir: string;
  let silent: Server;
  const cases: Case[] = [];
  /** Development accounts: 0 signs, 5 is a wallet; the nonces of both must not move. */
  let accounts: string[];

  /** The claim script as a process, against a node that never answers. */
  let hangingClaim: Case;

  before(async function () {
    node = await startHardhatNode();
    const signers = await Promise.all(Array.from({ length: 6 }, (_, i) => node.provider.getSigner(i)));
    accounts = signers.map((s) => s.address);
    const deployed = await deployProtocol(signers[0], { guardian: accounts[1] });
    const { rewards, settlement } = deployed;
    const distributor = await rewards.getAddress();
    const settlementAddress = await settlement.getAddress();
    dir = await mkdtemp(join(tmpdir(), "cli-errors-"));
    // A server that takes connections and never answers: a wrong URL that would otherwise hang.
    silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    // A port that refuses connections: the silent server's, once closed, would do, but a second server is simpler.
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((done) => closed.close(done));

    const tree = join(dir, "tree.json");
    await writeFile(tree, JSON.stringify(buildRewardTree([{ account: accounts[5], amount: 1n }]).toJSON()));
    const model = join(dir, "model.json");
    const examples = ["win money now", "free prize click", "meeting at noon", "see you tomorrow"];
    await writeFile(
      model,
      serializeModelFile(
        trainTextClassifier(
          examples.map((text, i) => ({ text, label: i < 2 ? 1 : 0 })),
          { dimension: 16 },
        ),
      ),
    );
    const queries = join(dir, "queries.jsonl");
    await writeFile(queries, JSON.stringify({ query: "free money" }) + "\n");
    const otherChain = join(dir, "other-chain.json");
    await writeFile(otherChain, JSON.stringify(deploymentFile(accounts[0], { network: "mainnet", chainId: 1 })));
    // The deployment above as npm run deploy would record it, for the commands that take --network.
    const deployment = join(dir, "localhost.json");
    const contracts: ProtocolDeploymentFile["contracts"] = {};
    for (const name of ["open", "datanets", "clock", "rewards", "models", "staking", "settlement"] as const) {
      contracts[name] = {
        contract: name,
        address: await deployed[name].getAddress(),
        block: deployed.blocks?.[name] ?? 0,
        txHash: null,
        abiHash: ZeroHash,
        codeHash: ZeroHash,
      };
    }
    await writeFile(deployment, JSON.stringify(deploymentFile(accounts[0], { contracts })));
    const network = (...args: string[]) => [
      ...["--network", "localhost", "--rpc", node.url, "--deployment", deployment],
      ...["--data", join(dir, "data"), "--content", join(dir, "content"), ...args],
    ];
    const input = join(dir, "epoch.input.json");
    await writeFile(input, "{}");

    const deploy = (...args: string[]) => [
      ...["--network", "localhost", "--rpc", node.url, "--account-index", "0", "--guardian", accounts[1]],
      ...["--deployment", join(dir, "deployment.json"), ...args],
    ];
    const claim = (...args: string[]) => ["--tree", tree, "--distributor", distributor, "--rpc", node.url, ...args];
    const gateway = (...args: string[]) => [
      ...["--rpc", node.url, "--settlement", settlementAddress, "--model-id", "1"],
      ...["--model", model, "--queries", queries, "--store", join(dir, "store"), "--yes", ...args],
    ];
    const gatewayKey = { GATEWAY_PRIVATE_KEY: devKey(0) };
    const unreachable = (url: string) => new RegExp(`cannot reach a JSON-RPC node at ${url}`);
    hangingClaim = {
      command: "claim",
      title: "a node that never answers (it used to retry forever)",
      args: [
        "--tree",
        tree,
        "--distributor",
        distributor,
        "--rpc",
        silentUrl,
        "--timeout",
        "2",
        "--account-index",
        "0",
      ],
      code: 1,
      message: new RegExp(`cannot reach a JSON-RPC node at ${silentUrl}: no answer within 2 s\\.`),
      within: 30_000,
    };
    cases.push(
      {
        command: "deploy",
        title: "a chain id that is not the node's",
        args: deploy("--chain-id", "1"),
        code: 2,
        message: /--chain-id 1 does not match .*, which is chain 31337\./,
      },
      {
        command: "deploy",
        title: "one key as attestor and guardian",
        args: deploy("--attestor", accounts[1]),
        code: 2,
        message: /--attestor and --guardian are the same key/,
      },
      {
        command: "deploy",
        title: "a guardian that is the signer, the attestor by default",
        args: deploy("--guardian", accounts[0]),
        code: 2,
        message: /the attestor and the guardian would be one key \(0x[0-9a-fA-F]{40}\): give --guardian/,
      },
      {
        command: "deploy",
        title: "an OPEN token that is a wallet",
        args: deploy("--open-token", accounts[5]),
        code: 2,
        message: /--open-token 0x[0-9a-fA-F]{40} is not an ERC-20 token: it has no code on chain 31337/,
      },
      {
        command: "deploy",
        title: "an OPEN token that is another contract",
        args: deploy("--open-token", distributor),
        code: 2,
        message: /is not an ERC-20 token: it is a RewardDistributor\./,
      },
      {
        command: "deploy",
        title: "a node that refuses connections",
        args: deploy("--rpc", closedUrl, "--timeout", "3"),
        code: 1,
        message: unreachable(closedUrl),
        within: 30_000,
      },
      {
        command: "deploy",
        title: "a network of its own without a URL",
        args: ["--network", "staging", "--guardian", accounts[1]],
        code: 2,
        message: /--network staging needs the node's URL/,
      },
      {
        command: "deploy",
        title: "a fee split that does not sum to 10000",
        args: deploy("--fee-split", "1000,2000,2000,4000"),
        code: 2,
        message: /--fee-split must be four basis points .* not "1000,2000,2000,4000"/,
      },
      {
        command: "deploy",
        title: "a deployment file of another chain",
        args: deploy("--deployment", otherChain),
        code: 2,
        message: /other-chain\.json is a deployment on chain 1, but .* is chain 31337/,
      },
      {
        command: "deploy",
        title: "an account index the node does not have",
        args: deploy("--account-index", "99"),
        code: 2,
        message: /--account-index 99: the node at .* has 20 unlocked accounts \(0 to 19\)\./,
      },
      {
        command: "deploy",
        title: "a PRIVATE_KEY that is not a key",
        args: deploy().filter((a, i, all) => a !== "--account-index" && all[i - 1] !== "--account-index"),
        env: { PRIVATE_KEY: "0x1234" },
        code: 2,
        message: /^deploy: PRIVATE_KEY is not a private key \(0x \+ 64 hex digits\)\.$/,
      },
      {
        command: "claim",
        title: "a distributor that is a wallet",
        args: ["--tree", tree, "--distributor", accounts[5], "--rpc", node.url, "--account-index", "0"],
        code: 2,
        message: /--distributor 0x[0-9a-fA-F]{40} is not a RewardDistributor: it has no code on chain 31337 \(a wallet/,
      },
      {
        command: "claim",
        title: "a distributor that is another contract",
        args: ["--tree", tree, "--distributor", settlementAddress, "--rpc", node.url, "--account-index", "0"],
        code: 2,
        message: /is not a RewardDistributor: it is an InferenceSettlement\./,
      },
      {
        command: "claim",
        title: "a relative file:// URL",
        args: ["--tree", "file://tree.json", "--distributor", distributor, "--account-index", "0"],
        code: 2,
        message: /--tree "file:\/\/tree\.json" is not an absolute file:\/\/ URL/,
      },
      {
        command: "claim",
        title: "an account index that is not a number",
        args: claim("--account-index", "first"),
        code: 2,
        message: /--account-index must be an integer of at least 0, not "first"\./,
      },
      {
        command: "claim",
        title: "a PRIVATE_KEY that is not a key",
        args: claim(),
        env: { PRIVATE_KEY: "not-a-key" },
        code: 2,
        message: /^claim: PRIVATE_KEY is not a private key/,
      },
      hangingClaim,
      {
        command: "claim",
        title: "a deployment file of another chain",
        args: ["--tree", tree, "--deployment", otherChain, "--rpc", node.url, "--account-index", "0"],
        code: 2,
        message: /is a deployment on chain 1 \(mainnet\), but .* is chain 31337/,
      },
      {
        command: "epoch attribute",
        title: "--top abc",
        args: ["--input", input, "--top", "abc"],
        code: 2,
        message: /^epoch attribute: --top must be a positive integer, not "abc"\.$/,
      },
      {
        command: "epoch attribute",
        title: "an output folder that does not exist",
        args: ["--input", input, "--report", join(dir, "missing", "report.json")],
        code: 2,
        message: /--report ".*report\.json": the folder .*missing does not exist\./,
      },
      {
        command: "epoch attribute",
        title: "a logs folder that does not exist",
        args: ["--input", input, "--logs", join(dir, "no-logs")],
        code: 2,
        message: /--logs ".*no-logs" is not a folder\./,
      },
      {
        command: "epoch attribute",
        title: "an unknown option",
        args: ["--input", input, "--treads", "2"],
        code: 2,
        message: /^epoch attribute: Unknown option '--treads' \(see --help\)\.$/,
      },
      {
        command: "epoch run",
        title: "the embedded chain's name",
        args: ["--network", "hardhat", "--account-index", "0"],
        code: 2,
        message: /--network hardhat is the embedded chain, which lives only inside one process/,
      },
      {
        command: "epoch run",
        title: "a network of its own without a URL",
        args: ["--network", "staging", "--account-index", "0"],
        code: 2,
        message: /--network staging needs the node's URL: give --rpc <url> or RPC_URL\./,
      },
      {
        command: "epoch run",
        title: "a grace period that is not a number",
        args: network("--account-index", "0", "--grace", "soon"),
        code: 2,
        message: /^epoch run: --grace must be a decimal integer, not "soon"\.$/,
      },
      {
        command: "epoch run",
        title: "an epoch that has not ended: says when it can run",
        args: network("--account-index", "0", "--epoch", "5", "--epochs", join(dir, "epochs")),
        code: 1,
        message:
          /^epoch run: epoch 5 ends at \S+Z; with the grace period of 1 h it can run from \S+Z \(in \d+ d( \d+ h)?\)\.$/,
      },
      {
        command: "epoch accept",
        title: "no pending root",
        args: network("--account-index", "0"),
        code: 1,
        message: /^epoch accept: no pending root to accept\.$/,
      },
      {
        command: "epoch status",
        title: "a deployment file of another chain",
        args: ["--network", "localhost", "--rpc", node.url, "--deployment", otherChain],
        code: 1,
        message: /other-chain\.json is a deployment on chain 1, but .* is chain 31337\./,
      },
      {
        command: "verify-epoch",
        title: "an epoch that is not a number",
        args: network("--epoch", "abc"),
        code: 2,
        message: /^verify-epoch: --epoch must be a decimal integer, not "abc"\.$/,
      },
      {
        command: "verify-epoch",
        title: "an epoch without a root",
        args: network("--epoch", "0"),
        code: 1,
        message: /^verify-epoch: epoch 0 has no pending or accepted root\.$/,
      },
      {
        command: "watch",
        title: "no guardian key",
        args: network("--once"),
        code: 2,
        message: /^watch: no signer: set PRIVATE_KEY, or pass --keystore <file> or --account-index <n>\.$/,
      },
      {
        command: "app",
        title: "a host other than this machine",
        args: network("--host", "0.0.0.0"),
        code: 2,
        message: /^app: --host must be 127\.0\.0\.1 or localhost: the app serves locally\.$/,
      },
      {
        command: "app",
        title: "a port that is not a number",
        args: network("--port", "http"),
        code: 2,
        message: /^app: --port must be an integer of at least 0, not "http"\.$/,
      },
      {
        command: "watch",
        title: "an interval of zero",
        args: network("--interval", "0", "--account-index", "1"),
        code: 2,
        message: /^watch: --interval must be a positive integer, not "0"\.$/,
      },
      {
        command: "claim",
        title: "--network before any root was accepted",
        args: ["--network", "localhost", "--rpc", node.url, "--deployment", deployment, "--account-index", "0"],
        code: 1,
        message: /^claim: the distributor has no accepted root yet: nothing to claim\.$/,
      },
      {
        command: "claim",
        title: "neither a tree nor a network",
        args: ["--distributor", distributor, "--rpc", node.url, "--account-index", "0"],
        code: 2,
        message:
          /^claim: missing --tree <file>, or --network <name> to claim with the current root's published report\.$/,
      },
      {
        command: "gateway",
        title: "a settlement address that is a wallet",
        args: gateway("--settlement", accounts[5]),
        env: gatewayKey,
        code: 2,
        message: /--settlement 0x[0-9a-fA-F]{40} is not an InferenceSettlement: it has no code/,
      },
      {
        command: "gateway",
        title: "a settlement address that is the distributor",
        args: gateway("--settlement", distributor),
        env: gatewayKey,
        code: 2,
        message: /is not an InferenceSettlement: it is a RewardDistributor\./,
      },
      {
        command: "gateway",
        title: "a GATEWAY_PRIVATE_KEY that is not a key",
        args: gateway(),
        env: { GATEWAY_PRIVATE_KEY: `0x${"zz".repeat(32)}` },
        code: 2,
        message: /^gateway: GATEWAY_PRIVATE_KEY is not a private key/,
      },
      {
        command: "gateway",
        title: "a node that refuses connections",
        args: gateway("--rpc", closedUrl),
        env: gatewayKey,
        code: 1,
        message: unreachable(closedUrl),
        within: 30_000,
      },
    );
  });

  after(async function () {
    silent?.close();
    await node?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("gives each bad input its exit code and one line, and sends no transaction", async function () {
    const nonces = await Promise.all(accounts.map((a) => node.provider.getTransactionCount(a)));
    const failures: string[] = [];
    for (const next of cases) {
      const started = Date.now();
      const run = await runInProcess(next);
      const took = Date.now() - started;
      const lines = run.stderr.trim().split("\n");
      const problems = [
        run.code !== next.code && `exit code ${run.code}, not ${next.code}`,
        lines.length !== 1 && `${lines.length} lines on stderr`,
        !next.message.test(lines[0]) && `message "${lines[0]}" does not match ${next.message}`,
        !lines[0]?.startsWith(`${next.command}: `) && "the message does not start with the command's name",
        next.within !== undefined && took > next.within && `took ${took} ms`,
      ].filter(Boolean);
      if (problems.length > 0) failures.push(`${next.command}, ${next.title}: ${problems.join("; ")}`);
    }
    expect(failures).to.deep.equal([]);
    expect(await Promise.all(accounts.map((a) => node.provider.getTransactionCount(a)))).to.deep.equal(nonces);
  });

  it("lists every option of every command with an example under --help", async function () {
    for (const command of Object.keys(COMMANDS) as Case["command"][]) {
      const run = await runInProcess({ command, title: "help", args: ["--help"], code: 0, message: /./ });
      expect(run.code, command).to.equal(0);
      const lines = run.stdout.split("\n");
      const options = lines.flatMap((line, i) => {
        const flag = /^ {2}(?:-\w, )?--([a-z-]+)/.exec(line)?.[1];
        return flag ? [{ flag, next: lines[i + 1] }] : [];
      });
      expect(options.length, command).to.be.greaterThan(3);
      for (const { flag, next } of options) {
        expect(next, `${command} --${flag}`).to.match(new RegExp(`^ +e\\.g\\. --${flag}\\b`));
      }
      expect(run.stdout).to.contain("Exit codes: 0 done, 1 failed");
    }
  });

  it("ends the claim script's process within its timeout when the node never answers (it used to retry forever)", async function () {
    const env = { ...process.env };
    for (const v of [...VARIABLES, "HARDHAT_NETWORK"]) delete env[v];
    const started = Date.now();
    const run = await runCommand("node", ["--import", "tsx", "scripts/claim.ts", ...hangingClaim.args], {
      env,
      timeout: 60_000,
    });
    expect(run.code).to.equal(1);
    expect(run.stderr.trim()).to.match(hangingClaim.message);
    expect(Date.now() - started).to.be.lessThan(45_000);
  });
});
