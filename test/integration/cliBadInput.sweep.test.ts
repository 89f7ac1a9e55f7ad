import { expect } from "chai";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MaxUint256, ZeroAddress, ZeroHash } from "ethers";
import { deployProtocol } from "../../deploy/protocol";
import { attributeEpoch, buildRewardTree, serializeEpochReport } from "../../sdk/src";
import { serializeModelFile, trainTextClassifier } from "../../sdk/src/ml";
import { appCommand } from "../../scripts/app";
import { benchMain } from "../../scripts/bench";
import { claimCommand } from "../../scripts/claim";
import { contentCommands } from "../../scripts/content";
import { deployCommand } from "../../scripts/deploy";
import { epochCommands } from "../../scripts/epoch";
import { campaignMain } from "../../scripts/foundry/campaign";
import { checkPackageMain } from "../../scripts/checkPackage";
import { gatewayCommand } from "../../scripts/gateway";
import { offeringGroup } from "../../scripts/offering";
import { seedMain } from "../../scripts/seedExamples";
import { testSuiteMain } from "../../scripts/testSuite";
import { verifyEpochCommand } from "../../scripts/verifyEpoch";
import { watchCommand } from "../../scripts/watch";
import { runCli, runGroup, runMain } from "../../scripts/lib/cli";
import type { Command, CommandGroup } from "../../scripts/lib/cli";
import type { ProtocolDeploymentFile } from "../../sdk/src/node";
import { deploymentFile } from "../helpers/deploymentFile";
import { indexedContributions, spansEpoch, textSettlement } from "../helpers/epochReference";
import { devKey, runCommand } from "../helpers/examples";
import { startHardhatNode } from "../helpers/hardhatNode";
import type { HardhatNode } from "../helpers/hardhatNode";
import { startLyingNode } from "../helpers/rpcProxy";
import type { RpcProxy } from "../helpers/rpcProxy";

/*
 * Issue 24's sweep of every script users run: each bad input answers with its exit code (2 for bad usage, 1 for a
 * failure of the world), one line on stderr without a stack trace, and nothing sent (the nonces and the ETH and OPEN
 * balances of every account and contract involved stay as they were). A command is a row in COMMANDS and its cases
 * below; the completeness test fails on a script of package.json with neither cases nor a reason in NOT_SWEPT.
 */

/** The scripts of several commands, by npm script; their commands are swept one by one. */
const GROUPS: Record<string, CommandGroup> = {
  epoch: epochCommands,
  offering: offeringGroup,
  content: contentCommands,
};

/** A command as the sweep runs it, in this process: its arguments to its exit code. */
interface Swept {
  run(args: string[]): Promise<number>;
  /** What its one line on stderr starts with: `<prefix>: `. */
  prefix: string;
  /** Its options, for the cases every command gets (an unknown option, an option without its value). */
  command?: Command<never>;
}

const ofCommand = (command: Command<never>): Swept => ({
  run: (args) => runCli(command, args),
  prefix: command.name,
  command,
});
const ofMain = (prefix: string, main: (argv: string[]) => Promise<number>, fixed: string[] = []): Swept => ({
  run: (args) => runMain(prefix, main, [...fixed, ...args]),
  prefix,
});

/** Every swept command, by its name in package.json (`<script> <command>` for a group's). */
const COMMANDS: Record<string, Swept> = {
  deploy: ofCommand(deployCommand as Command<never>),
  claim: ofCommand(claimCommand as Command<never>),
  "verify-epoch": ofCommand(verifyEpochCommand as Command<never>),
  watch: ofCommand(watchCommand as Command<never>),
  gateway: ofCommand(gatewayCommand as Command<never>),
  app: ofCommand(appCommand as Command<never>),
  ...Object.fromEntries(
    Object.values(GROUPS).flatMap((group) => [
      [group.name, { run: (args: string[]) => runGroup(group, args), prefix: group.name }],
      ...Object.values(group.commands).map((command) => [command.name, ofCommand(command)]),
    ]),
  ),
  seed: ofMain("seed", seedMain),
  bench: ofMain("bench", benchMain),
  test: ofMain("test", testSuiteMain),
  coverage: ofMain("test", testSuiteMain, ["--phase", "coverage"]),
  "check:package": ofMain("check:package", checkPackageMain),
  "test:forge": ofMain("test:forge", campaignMain),
  "test:deep": ofMain("test:forge", campaignMain, ["--profile", "deep"]),
};

/** The scripts of package.json that are not swept, and why. */
const NOT_SWEPT: Record<string, string> = {
  compile: "hardhat compile: Hardhat's own command line",
  build: "compile, the SDK's tsc and vite in a row: their own command lines",
  generate: "hardhat compile and the SDK's code generator, which takes no argument",
  "build:app": "vite build: vite's own command line",
  "test:only": "hardhat test: Hardhat's own command line (mocha's options)",
  lint: "compilers and linters in a row: their own command lines",
  "lint:sol": "solhint: its own command line",
  format: "prettier --write: its own command line",
  gas: "hardhat test with REPORT_GAS: Hardhat's own command line",
  docs: "the SDK's typedoc: its own command line",
  demo:
    "hardhat run scripts/demo.ts: the script reads no argument; hardhat refuses one it does not know (HH305, exit 1) " +
    "before the script starts, with its stack trace on a machine it takes for a CI server (Linux without a display)",
  "demo:offering": "hardhat run scripts/demoOffering.ts: as demo, no argument of its own",
  "gas:check": "hardhat run scripts/gas.ts: as demo, no argument of its own (GAS_SNAPSHOT=write is gas:snapshot)",
  "gas:snapshot": "hardhat run scripts/gas.ts with GAS_SNAPSHOT=write: as gas:check",
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
  "BENCH_QUICK",
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** One bad invocation and what it must give. */
interface Case {
  command: string;
  title: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  code: 1 | 2;
  /** The one line on stderr. */
  message: RegExp;
  /** Must end within this many milliseconds (a node that refuses or never answers). */
  within?: number;
}

/**
 * Runs a command as its script would, in this process (a process each would take minutes): its arguments, its
 * environment, what it prints on stdout and stderr, and its exit code.
 */
async function runInProcess({ command, args, env = {} }: Pick<Case, "command" | "args" | "env">): Promise<Run> {
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
    return { code: await COMMANDS[command].run(args), ...out };
  } finally {
    [console.log, console.error] = [log, error];
    for (const v of VARIABLES) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
  }
}

/** The npm scripts of package.json, each as the commands it runs: a group's by command, the others by name. */
function sweptNames(): string[] {
  const scripts = Object.keys(
    (JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as { scripts: Record<string, string> })
      .scripts,
  );
  return scripts.flatMap((script) =>
    GROUPS[script] ? Object.values(GROUPS[script].commands).map((c) => c.name) : [script],
  );
}

/** `args` without `option` and its value. */
const without = (args: string[], option: string) => args.filter((a, i) => a !== option && args[i - 1] !== option);

/** `2^256`, one past what a uint256 holds. */
const PAST_UINT256 = (MaxUint256 + 1n).toString();

describe("Every script's bad input (issue 24's sweep)", function () {
  this.timeout(300_000);

  let node: HardhatNode;
  let dir: string;
  let silent: Server;
  const proxies: RpcProxy[] = [];
  const cases: Case[] = [];
  /** Whose nonce and ETH and OPEN balances must not move: the development accounts and the deployed contracts. */
  let watched: string[];
  let balancesOf: () => Promise<string[]>;

  /** The claim script as a process, against a node that never answers. */
  let hangingClaim: Case;

  before(async function () {
    node = await startHardhatNode();
    const signers = await Promise.all(Array.from({ length: 6 }, (_, i) => node.provider.getSigner(i)));
    const accounts = signers.map((s) => s.address);
    const deployed = await deployProtocol(signers[0], { guardian: accounts[1] });
    const { rewards, settlement, open } = deployed;
    const distributor = await rewards.getAddress();
    const settlementAddress = await settlement.getAddress();
    dir = await mkdtemp(join(tmpdir(), "cli-sweep-"));

    const names = [
      "open",
      "datanets",
      "clock",
      "rewards",
      "models",
      "staking",
      "settlement",
      "offeringFactory",
    ] as const;
    const contracts: ProtocolDeploymentFile["contracts"] = {};
    for (const name of names) {
      contracts[name] = {
        contract: name,
        address: await deployed[name].getAddress(),
        block: deployed.blocks?.[name] ?? 0,
        txHash: null,
        abiHash: ZeroHash,
        codeHash: ZeroHash,
      };
    }
    watched = [...accounts, ...Object.values(contracts).map((c) => c.address)];
    balancesOf = () =>
      Promise.all(
        watched.flatMap((a) => [
          node.provider.getTransactionCount(a).then((n) => `${a} nonce ${n}`),
          node.provider.getBalance(a).then((b) => `${a} ETH ${b}`),
          open.balanceOf(a).then((b) => `${a} OPEN ${b}`),
        ]),
      );

    // A server that takes connections and never answers: a wrong URL that would otherwise hang.
    silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    // A port that refuses connections.
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((done) => closed.close(done));
    // Lying nodes in front of the real one: another chain id, a chain id that is not one, code where there is none.
    const lying = async (answer: (method: string) => unknown) => {
      const proxy = await startLyingNode(node.url, answer);
      proxies.push(proxy);
      return proxy.url;
    };
    const otherChainUrl = await lying((m) => (m === "eth_chainId" ? "0x1" : undefined));
    const garbageChainUrl = await lying((m) => (m === "eth_chainId" ? "the moon" : undefined));
    const emptyCallsUrl = await lying((m) => (m === "eth_call" ? "0x" : undefined));

    /* FILES: good ones, and each kind of bad one. */
    const file = async (name: string, content: string | Buffer) => {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    };
    const treeJson = buildRewardTree([
      { account: accounts[5], amount: 1n },
      { account: accounts[4], amount: 2n },
      { account: accounts[3], amount: 3n },
    ]).toJSON() as unknown as { tree: string[]; values: { value: unknown[] }[] };
    const tree = await file("tree.json", JSON.stringify(treeJson));
    const treeText = JSON.stringify(treeJson);
    const missing = join(dir, "missing.json");
    const empty = await file("empty.json", "");
    const notJson = await file("not-json.json", "this is not JSON\n");
    const truncatedTree = await file("truncated-tree.json", treeText.slice(0, Math.floor(treeText.length / 2)));
    // 20 MB of valid JSON of the wrong shape: read whole, refused on its shape, not a crash.
    const huge = await file("huge.json", JSON.stringify({ padding: "x".repeat(20_000_000) }));
    const tamperedTree = await file(
      "tampered-tree.json",
      JSON.stringify({
        ...treeJson,
        values: treeJson.values.map((v, i) => (i === 0 ? { ...v, value: [v.value[0], "1000000"] } : v)),
      }),
    );
    const reorderedTree = await file(
      "reordered-tree.json",
      JSON.stringify({ ...treeJson, tree: [...treeJson.tree].reverse() }),
    );
    const truncatedLayers = await file(
      "truncated-layers-tree.json",
      JSON.stringify({ ...treeJson, tree: treeJson.tree.slice(0, -1) }),
    );

    const model = await file(
      "model.json",
      serializeModelFile(
        trainTextClassifier(
          ["win money now", "free prize click", "meeting at noon", "see you tomorrow"].map((text, i) => ({
            text,
            label: i < 2 ? 1 : 0,
          })),
          { dimension: 16 },
        ),
      ),
    );
    const queries = await file("queries.jsonl", JSON.stringify({ query: "free money" }) + "\n");
    const badQueries = await file("bad-queries.jsonl", '{"query": "free money"}\n{"query": 12\n');
    const otherChain = await file(
      "other-chain.json",
      JSON.stringify(deploymentFile(accounts[0], { network: "mainnet", chainId: 1 })),
    );
    // The deployment above as npm run deploy would record it, for the commands that take --network.
    const deployment = await file("localhost.json", JSON.stringify(deploymentFile(accounts[0], { contracts })));
    const deploymentText = readFileSync(deployment, "utf8");
    const truncatedDeployment = await file("truncated-deployment.json", deploymentText.slice(0, 200));
    const network = (...args: string[]) => [
      ...["--network", "localhost", "--rpc", node.url, "--deployment", deployment],
      ...["--data", join(dir, "data"), "--content", join(dir, "content"), ...args],
    ];
    const input = await file("epoch.input.json", "{}");

    // A small epoch, its log in a content folder, its report, and the report tampered with.
    const epoch = spansEpoch(
      indexedContributions([
        { id: "c0", datanetId: 1n, contributor: accounts[3], text: "the quick brown fox jumps over the lazy dog" },
        { id: "c1", datanetId: 1n, contributor: accounts[4], text: "pack my box with five dozen liquor jugs" },
      ]),
      [textSettlement("s0", 1_000_000n, [{ id: "r0", output: "zq the quick brown fox jumps over the lazy dog" }])],
    );
    const logs = join(dir, "logs");
    await mkdir(logs);
    for (const s of epoch.settlements) await writeFile(join(logs, s.logURI.slice("ipfs://".length)), s.log as string);
    const toJson = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2);
    const epochInput = await file(
      "small.input.json",
      toJson({ ...epoch, settlements: epoch.settlements.map(({ log: _log, ...rest }) => rest) }),
    );
    const reportText = serializeEpochReport(attributeEpoch(epoch));
    const report = JSON.parse(reportText) as { settlements: { pot: string }[] };
    const tamperedReport = await file(
      "tampered.report.json",
      JSON.stringify({ ...report, settlements: report.settlements.map((s) => ({ ...s, pot: "999" })) }),
    );
    const truncatedReport = await file("truncated.report.json", reportText.slice(0, reportText.length / 2));
    const truncatedInput = await file("truncated.input.json", readFileSync(epochInput, "utf8").slice(0, 300));

    const terms = await file(
      "terms.json",
      JSON.stringify({
        name: "Shares",
        symbol: "SHR",
        split: { sale: "600000", creator: "200000", contributors: "150000", treasury: "50000" },
        sale: { softCap: "400", hardCap: "1000", deadline: "+1d", upfrontBps: 6000 },
        vesting: { cliff: "1d", duration: "30d" },
        endVote: { quorumBps: 2000, votingPeriod: "3d" },
        milestones: [],
        creatorKeepsVersions: true,
        governance: { votingDelay: "1d", votingPeriod: "3d", quorumPercent: 4, timelockDelay: "2d" },
      }),
    );
    const termsText = readFileSync(terms, "utf8");
    const tamperedTerms = await file(
      "tampered-terms.json",
      termsText.replace('"upfrontBps":6000', '"upfrontBps":"all"'),
    );
    const overflowTerms = await file(
      "overflow-terms.json",
      termsText.replace('"hardCap":"1000"', `"hardCap":"${PAST_UINT256}"`),
    );
    const truncatedTerms = await file("truncated-terms.json", termsText.slice(0, 100));
    const emptyFile = await file("empty.txt", "");
    const notAFolder = await file("a-file", "x");

    const deploy = (...args: string[]) => [
      ...["--network", "localhost", "--rpc", node.url, "--account-index", "0", "--guardian", accounts[1]],
      ...["--deployment", join(dir, "deployment.json"), ...args],
    ];
    const claim = (...args: string[]) => ["--tree", tree, "--distributor", distributor, "--rpc", node.url, ...args];
    const claimWith = (treeFile: string) => claim("--tree", treeFile, "--account-index", "0");
    const gateway = (...args: string[]) => [
      ...["--rpc", node.url, "--settlement", settlementAddress, "--model-id", "1"],
      ...["--model", model, "--queries", queries, "--store", join(dir, "store"), "--yes", ...args],
    ];
    const gatewayKey = { GATEWAY_PRIVATE_KEY: devKey(0) };
    const offering = (...args: string[]) => network("--model", "1", "--account-index", "0", ...args);
    const unreachable = (url: string) => new RegExp(`cannot reach a JSON-RPC node at ${url}`);
    const noAnswer = (url: string, seconds = 1) =>
      new RegExp(`cannot reach a JSON-RPC node at ${url}: no answer within ${seconds} s\\.`);
    const notChainId = (url: string) => new RegExp(`${url} did not answer eth_chainId with a chain id`);
    const otherChainDeployment = /other-chain\.json is a deployment on chain 1( \(mainnet\))?, but .* is chain 31337\./;
    const lyingChain = /localhost\.json is a deployment on chain 31337( \(localhost\))?, but .* is chain 1\./;
    /** `address` with one letter's case flipped: mixed case whose checksum is wrong. */
    const checksum = (address: string) => {
      const i = 2 + address.slice(2).search(/[a-f]/);
      return address.slice(0, i) + address[i].toUpperCase() + address.slice(i + 1);
    };
    const wrongChecksum = checksum(accounts[1]);
    const badAddress = (option: string) =>
      new RegExp(`--${option} must be a nonzero address \\(0x \\+ 40 hex digits, checksummed if mixed case\\)`);
    const pastUint256 = (option: string) => new RegExp(`--${option} must be a decimal integer of at most 2\\^256 - 1`);

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
      message: noAnswer(silentUrl, 2),
      within: 30_000,
    };

    /* Every command with options: an unknown option and an option without its value, before anything is read. */
    for (const [name, swept] of Object.entries(COMMANDS)) {
      if (!swept.command) continue;
      const first = Object.entries(swept.command.options).find(([, spec]) => spec.type === "string")?.[0];
      cases.push({
        command: name,
        title: "an unknown option",
        args: ["--no-such-option", "1"],
        code: 2,
        message: new RegExp(`^${name}: Unknown option '--no-such-option' \\(see --help\\)\\.$`),
      });
      if (first !== undefined) {
        cases.push({
          command: name,
          title: `--${first} without its value`,
          args: [`--${first}`],
          code: 2,
          message: new RegExp(`^${name}: Option '--${first} <value>' argument missing \\(see --help\\)\\.$`),
        });
      }
    }

    cases.push(
      /* deploy */
      {
        command: "deploy",
        title: "a chain id that is not the node's",
        args: deploy("--chain-id", "1"),
        code: 2,
        message: /--chain-id 1 does not match .*, which is chain 31337\./,
      },
      {
        command: "deploy",
        title: "a negative chain id",
        args: deploy("--chain-id=-1"),
        code: 2,
        message: /^deploy: --chain-id must be a decimal integer of at most 2\^256 - 1, not "-1"\.$/,
      },
      {
        command: "deploy",
        title: "a chain id past uint256",
        args: deploy("--chain-id", PAST_UINT256),
        code: 2,
        message: pastUint256("chain-id"),
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
        title: "a zero guardian (it used to send transactions first)",
        args: deploy("--guardian", ZeroAddress),
        code: 2,
        message: badAddress("guardian"),
      },
      {
        command: "deploy",
        title: "a zero treasury",
        args: deploy("--treasury", ZeroAddress),
        code: 2,
        message: badAddress("treasury"),
      },
      {
        command: "deploy",
        title: "a guardian whose checksum is wrong",
        args: deploy("--guardian", wrongChecksum),
        code: 2,
        message: badAddress("guardian"),
      },
      {
        command: "deploy",
        title: "a guardian that is not an address",
        args: deploy("--guardian", "0x1234"),
        code: 2,
        message: badAddress("guardian"),
      },
      {
        command: "deploy",
        title: "a genesis past uint64",
        args: deploy("--genesis", (2n ** 64n).toString()),
        code: 2,
        message: /^deploy: the genesis 18446744073709551616 is not a uint64 unix time\.$/,
      },
      {
        command: "deploy",
        title: "a genesis past uint256",
        args: deploy("--genesis", PAST_UINT256),
        code: 2,
        message: pastUint256("genesis"),
      },
      {
        command: "deploy",
        title: "an epoch length of zero",
        args: deploy("--epoch-length", "0"),
        code: 2,
        message: /^deploy: the epoch length 0 s is outside 3600 s to 31536000 s\.$/,
      },
      {
        command: "deploy",
        title: "a challenge window of zero",
        args: deploy("--challenge-window", "0"),
        code: 2,
        message: /^deploy: the challenge window 0 s is outside 1 s to 4294967295 s\.$/,
      },
      {
        command: "deploy",
        title: "a timeout that is a word",
        args: deploy("--timeout", "soon"),
        code: 2,
        message: /^deploy: --timeout must be a positive integer, not "soon"\.$/,
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
        args: deploy("--rpc", closedUrl, "--timeout", "1"),
        code: 1,
        message: unreachable(closedUrl),
        within: 30_000,
      },
      {
        command: "deploy",
        title: "a node that never answers",
        args: deploy("--rpc", silentUrl, "--timeout", "1"),
        code: 1,
        message: noAnswer(silentUrl),
        within: 30_000,
      },
      {
        command: "deploy",
        title: "a node that lies about its chain",
        args: deploy("--rpc", otherChainUrl, "--chain-id", "31337"),
        code: 2,
        message: /--chain-id 31337 does not match .*, which is chain 1\./,
      },
      {
        command: "deploy",
        title: "a node whose chain id is not a number",
        args: deploy("--rpc", garbageChainUrl),
        code: 1,
        message: notChainId(garbageChainUrl),
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
        title: "an empty deployment file to resume",
        args: deploy("--deployment", empty),
        code: 2,
        message: /empty\.json/,
      },
      {
        command: "deploy",
        title: "a deployment file that is not JSON",
        args: deploy("--deployment", notJson),
        code: 2,
        message: /not-json\.json/,
      },
      {
        command: "deploy",
        title: "a truncated deployment file",
        args: deploy("--deployment", truncatedDeployment),
        code: 2,
        message: /truncated-deployment\.json/,
      },
      {
        command: "deploy",
        title: "a huge deployment file",
        args: deploy("--deployment", huge),
        code: 2,
        message: /huge\.json/,
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
        args: without(deploy(), "--account-index"),
        env: { PRIVATE_KEY: "0x1234" },
        code: 2,
        message: /^deploy: PRIVATE_KEY is not a private key \(0x \+ 64 hex digits\)\.$/,
      },
      {
        command: "deploy",
        title: "two signers",
        args: deploy(),
        env: { PRIVATE_KEY: devKey(0) },
        code: 2,
        message: /^deploy: more than one signer: give only one of PRIVATE_KEY, --keystore and --account-index\.$/,
      },
      {
        command: "deploy",
        title: "a keystore that does not exist",
        args: [...without(deploy(), "--account-index"), "--keystore", missing],
        code: 2,
        message: /^deploy: cannot read the keystore ".*missing\.json"\.$/,
      },

      /* claim */
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
        title: "a zero distributor",
        args: claim("--distributor", ZeroAddress, "--account-index", "0"),
        code: 2,
        message: badAddress("distributor"),
      },
      {
        command: "claim",
        title: "a distributor whose checksum is wrong",
        args: claim("--distributor", checksum(distributor), "--account-index", "0"),
        code: 2,
        message: badAddress("distributor"),
      },
      {
        command: "claim",
        title: "a zero account",
        args: claim("--account", ZeroAddress, "--account-index", "0"),
        code: 2,
        message: badAddress("account"),
      },
      {
        command: "claim",
        title: "a batch of zero",
        args: claim("--batch", "0", "--account-index", "0"),
        code: 2,
        message: /^claim: --batch must be a positive integer, not "0"\.$/,
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
        title: "a node that refuses connections",
        args: claim("--rpc", closedUrl, "--timeout", "1", "--account-index", "0"),
        code: 1,
        message: unreachable(closedUrl),
        within: 30_000,
      },
      {
        command: "claim",
        title: "a node that answers every call with nothing",
        args: claim("--rpc", emptyCallsUrl, "--account-index", "0"),
        code: 2,
        message: /is not a RewardDistributor: it is another contract/,
      },
      {
        command: "claim",
        title: "a deployment file of another chain",
        args: ["--tree", tree, "--deployment", otherChain, "--rpc", node.url, "--account-index", "0"],
        code: 2,
        message: otherChainDeployment,
      },
      {
        command: "claim",
        title: "a tree file that does not exist",
        args: claimWith(missing),
        code: 2,
        message: /missing\.json/,
      },
      { command: "claim", title: "an empty tree file", args: claimWith(empty), code: 2, message: /empty\.json/ },
      {
        command: "claim",
        title: "a tree file that is not JSON",
        args: claimWith(notJson),
        code: 2,
        message: /not-json\.json/,
      },
      {
        command: "claim",
        title: "a truncated tree file",
        args: claimWith(truncatedTree),
        code: 2,
        message: /truncated-tree\.json/,
      },
      { command: "claim", title: "a huge tree file", args: claimWith(huge), code: 2, message: /Reward tree dump, / },
      {
        command: "claim",
        title: "a tree whose amount was changed",
        args: claimWith(tamperedTree),
        code: 2,
        message: /./,
      },
      {
        command: "claim",
        title: "a tree whose layers were reordered",
        args: claimWith(reorderedTree),
        code: 2,
        message: /./,
      },
      {
        command: "claim",
        title: "a tree with a layer cut off",
        args: claimWith(truncatedLayers),
        code: 2,
        message: /./,
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

      /* epoch */
      {
        command: "epoch",
        title: "an unknown command",
        args: ["rnu"],
        code: 2,
        message: /^epoch: unknown command "rnu": give one of /,
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
        title: "no input",
        args: ["--top", "3"],
        code: 2,
        message: /^epoch attribute: missing --input \(see --help\)\.$/,
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
        title: "a logs folder that is a file",
        args: ["--input", input, "--logs", notAFolder],
        code: 2,
        message: /--logs ".*a-file" is not a folder\./,
      },
      {
        command: "epoch attribute",
        title: "an unknown option",
        args: ["--input", input, "--treads", "2"],
        code: 2,
        message: /^epoch attribute: Unknown option '--treads' \(see --help\)\.$/,
      },
      {
        command: "epoch attribute",
        title: "an input that does not exist",
        args: ["--input", missing],
        code: 2,
        message: /missing\.json/,
      },
      {
        command: "epoch attribute",
        title: "an empty input",
        args: ["--input", empty],
        code: 2,
        message: /empty\.json/,
      },
      {
        command: "epoch attribute",
        title: "an input that is not JSON",
        args: ["--input", notJson],
        code: 2,
        message: /not-json\.json/,
      },
      {
        command: "epoch attribute",
        title: "a truncated input",
        args: ["--input", truncatedInput],
        code: 2,
        message: /truncated\.input\.json/,
      },
      { command: "epoch attribute", title: "a huge input", args: ["--input", huge], code: 2, message: /./ },
      {
        command: "epoch attribute",
        title: "an input of the wrong shape",
        args: ["--input", input],
        code: 2,
        message: /./,
      },
      {
        command: "epoch attribute",
        title: "a tampered report to verify",
        args: ["--input", epochInput, "--logs", logs, "--verify", tamperedReport],
        code: 1,
        message:
          /^epoch attribute: .*tampered\.report\.json differs at settlements\[0\]\.pot from the recomputed report/,
      },
      {
        command: "epoch attribute",
        title: "a truncated report to verify",
        args: ["--input", epochInput, "--logs", logs, "--verify", truncatedReport],
        code: 2,
        message: /truncated\.report\.json/,
      },
      {
        command: "epoch attribute",
        title: "a previous report that is not JSON",
        args: ["--input", epochInput, "--logs", logs, "--previous", notJson],
        code: 2,
        message: /not-json\.json/,
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
        message: /^epoch run: --grace must be a decimal integer of at most 2\^256 - 1, not "soon"\.$/,
      },
      {
        command: "epoch run",
        title: "an epoch past uint256",
        args: network("--account-index", "0", "--epoch", PAST_UINT256),
        code: 2,
        message: pastUint256("epoch"),
      },
      {
        command: "epoch run",
        title: "a negative epoch",
        args: network("--account-index", "0", "--epoch=-1"),
        code: 2,
        message: /^epoch run: --epoch must be a decimal integer of at most 2\^256 - 1, not "-1"\.$/,
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
        command: "epoch run",
        title: "a node that lies about its chain",
        args: network("--account-index", "0", "--rpc", otherChainUrl),
        code: 1,
        message: lyingChain,
      },
      {
        command: "epoch run",
        title: "a node that refuses connections",
        args: network("--account-index", "0", "--rpc", closedUrl, "--timeout", "1"),
        code: 1,
        message: unreachable(closedUrl),
        within: 30_000,
      },
      {
        command: "epoch accept",
        title: "no pending root",
        args: network("--account-index", "0"),
        code: 1,
        message: /^epoch accept: no pending root to accept\.$/,
      },
      {
        command: "epoch accept",
        title: "a deployment file of another chain",
        args: network("--account-index", "0", "--deployment", otherChain),
        code: 1,
        message: otherChainDeployment,
      },
      {
        command: "epoch accept",
        title: "a deployment file that is not JSON",
        args: network("--account-index", "0", "--deployment", notJson),
        code: 2,
        message: /not-json\.json/,
      },
      {
        command: "epoch status",
        title: "a deployment file of another chain",
        args: ["--network", "localhost", "--rpc", node.url, "--deployment", otherChain],
        code: 1,
        message: /other-chain\.json is a deployment on chain 1, but .* is chain 31337\./,
      },
      {
        command: "epoch status",
        title: "a node that never answers",
        args: network("--rpc", silentUrl, "--timeout", "1"),
        code: 1,
        message: noAnswer(silentUrl),
        within: 30_000,
      },
      {
        command: "epoch status",
        title: "a node whose chain id is not a number",
        args: network("--rpc", garbageChainUrl),
        code: 1,
        message: notChainId(garbageChainUrl),
      },
      {
        command: "epoch status",
        title: "a deployment file that does not exist",
        args: network("--deployment", missing),
        code: 2,
        message: /missing\.json/,
      },

      /* verify-epoch */
      {
        command: "verify-epoch",
        title: "an epoch that is not a number",
        args: network("--epoch", "abc"),
        code: 2,
        message: /^verify-epoch: --epoch must be a decimal integer of at most 2\^256 - 1, not "abc"\.$/,
      },
      {
        command: "verify-epoch",
        title: "an epoch past uint256",
        args: network("--epoch", PAST_UINT256),
        code: 2,
        message: pastUint256("epoch"),
      },
      {
        command: "verify-epoch",
        title: "an epoch without a root",
        args: network("--epoch", "0"),
        code: 1,
        message: /^verify-epoch: epoch 0 has no pending or accepted root\.$/,
      },
      {
        command: "verify-epoch",
        title: "a deployment file of another chain",
        args: network("--epoch", "1", "--deployment", otherChain),
        code: 1,
        message: otherChainDeployment,
      },
      {
        command: "verify-epoch",
        title: "a node that lies about its chain",
        args: network("--epoch", "1", "--rpc", otherChainUrl),
        code: 1,
        message: lyingChain,
      },

      /* watch */
      {
        command: "watch",
        title: "no guardian key",
        args: network("--once"),
        code: 2,
        message: /^watch: no signer: set PRIVATE_KEY, or pass --keystore <file> or --account-index <n>\.$/,
      },
      {
        command: "watch",
        title: "an interval of zero",
        args: network("--interval", "0", "--account-index", "1"),
        code: 2,
        message: /^watch: --interval must be a positive integer, not "0"\.$/,
      },
      {
        command: "watch",
        title: "an interval that is a word",
        args: network("--interval", "often", "--account-index", "1"),
        code: 2,
        message: /^watch: --interval must be a positive integer, not "often"\.$/,
      },
      {
        command: "watch",
        title: "a deployment file of another chain",
        args: network("--once", "--account-index", "1", "--deployment", otherChain),
        code: 1,
        message: otherChainDeployment,
      },
      {
        command: "watch",
        title: "a node that refuses connections",
        args: network("--once", "--account-index", "1", "--rpc", closedUrl, "--timeout", "1"),
        code: 1,
        message: unreachable(closedUrl),
        within: 30_000,
      },

      /* gateway */
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
        title: "a zero settlement address",
        args: gateway("--settlement", ZeroAddress),
        env: gatewayKey,
        code: 2,
        message: badAddress("settlement"),
      },
      {
        command: "gateway",
        title: "a model id past uint256",
        args: gateway("--model-id", PAST_UINT256),
        env: gatewayKey,
        code: 2,
        message: pastUint256("model-id"),
      },
      {
        command: "gateway",
        title: "a negative model id",
        args: gateway("--model-id=-1"),
        env: gatewayKey,
        code: 2,
        message: /^gateway: --model-id must be a decimal integer of at most 2\^256 - 1, not "-1"\.$/,
      },
      {
        command: "gateway",
        title: "a model version that is a word",
        args: gateway("--model-version", "latest"),
        env: gatewayKey,
        code: 2,
        message: /^gateway: --model-version must be a positive integer, not "latest"\.$/,
      },
      {
        command: "gateway",
        title: "no model file",
        args: without(gateway(), "--model"),
        env: gatewayKey,
        code: 2,
        message: /^gateway: missing --model \(see --help\)\.$/,
      },
      {
        command: "gateway",
        title: "a model file that does not exist",
        args: gateway("--model", missing),
        env: gatewayKey,
        code: 2,
        message: /missing\.json/,
      },
      {
        command: "gateway",
        title: "an empty model file",
        args: gateway("--model", empty),
        env: gatewayKey,
        code: 2,
        message: /empty\.json/,
      },
      {
        command: "gateway",
        title: "a model file that is not JSON",
        args: gateway("--model", notJson),
        env: gatewayKey,
        code: 2,
        message: /not-json\.json/,
      },
      {
        command: "gateway",
        title: "a huge model file",
        args: gateway("--model", huge),
        env: gatewayKey,
        code: 2,
        message: /huge\.json/,
      },
      {
        command: "gateway",
        title: "a queries file that does not exist",
        args: gateway("--queries", missing),
        env: gatewayKey,
        code: 2,
        message: /missing\.json/,
      },
      {
        command: "gateway",
        title: "an empty queries file",
        args: gateway("--queries", empty),
        env: gatewayKey,
        code: 2,
        message: /empty\.json/,
      },
      {
        command: "gateway",
        title: "a truncated queries file",
        args: gateway("--queries", badQueries),
        env: gatewayKey,
        code: 2,
        message: /bad-queries\.jsonl/,
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
        args: gateway("--rpc", closedUrl, "--timeout", "1"),
        env: gatewayKey,
        code: 1,
        message: unreachable(closedUrl),
        within: 30_000,
      },
      {
        command: "gateway",
        title: "a deployment file of another chain",
        args: without(gateway("--deployment", otherChain), "--settlement"),
        env: gatewayKey,
        code: 2,
        message: otherChainDeployment,
      },

      /* app */
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
        message: /^app: --port must be a port number from 0 to 65535, not "http"\.$/,
      },
      {
        command: "app",
        title: "a port past 65535",
        args: network("--port", "70000"),
        code: 2,
        message: /^app: --port must be a port number from 0 to 65535, not "70000"\.$/,
      },

      /* offering */
      {
        command: "offering",
        title: "an unknown command",
        args: ["by"],
        code: 2,
        message: /^offering: unknown command "by": give one of /,
      },
      {
        command: "offering launch",
        title: "no terms file",
        args: offering(),
        code: 2,
        message: /^offering launch: missing --terms \(see --help\)\.$/,
      },
      {
        command: "offering launch",
        title: "a terms file that does not exist",
        args: offering("--terms", missing, "--dry-run"),
        code: 2,
        message: /missing\.json/,
      },
      {
        command: "offering launch",
        title: "an empty terms file",
        args: offering("--terms", empty, "--dry-run"),
        code: 2,
        message: /empty\.json/,
      },
      {
        command: "offering launch",
        title: "a terms file that is not JSON",
        args: offering("--terms", notJson, "--dry-run"),
        code: 2,
        message: /not-json\.json/,
      },
      {
        command: "offering launch",
        title: "a truncated terms file",
        args: offering("--terms", truncatedTerms, "--dry-run"),
        code: 2,
        message: /truncated-terms\.json/,
      },
      {
        command: "offering launch",
        title: "a huge terms file",
        args: offering("--terms", huge, "--dry-run"),
        code: 2,
        message: /./,
      },
      {
        command: "offering launch",
        title: "terms with a word for a number",
        args: offering("--terms", tamperedTerms, "--dry-run"),
        code: 2,
        message: /upfrontBps/,
      },
      {
        command: "offering launch",
        title: "terms with a cap past uint256",
        args: offering("--terms", overflowTerms, "--dry-run"),
        code: 2,
        message: /hardCap/,
      },
      {
        command: "offering launch",
        title: "a model that is a word",
        args: network("--model", "first", "--account-index", "0", "--terms", terms),
        code: 2,
        message: /^offering launch: --model must be a decimal integer of at most 2\^256 - 1, not "first"\.$/,
      },
      {
        command: "offering status",
        title: "a zero offering address",
        args: network("--offering", ZeroAddress),
        code: 2,
        message: badAddress("offering"),
      },
      {
        command: "offering status",
        title: "an account whose checksum is wrong",
        args: network("--model", "1", "--account", wrongChecksum),
        code: 2,
        message: badAddress("account"),
      },
      {
        command: "offering status",
        title: "a model past uint256",
        args: network("--model", PAST_UINT256),
        code: 2,
        message: pastUint256("model"),
      },
      {
        command: "offering status",
        title: "a node that lies about its chain",
        args: network("--model", "1", "--rpc", otherChainUrl),
        code: 1,
        message: lyingChain,
      },
      {
        command: "offering buy",
        title: "no amount",
        args: offering(),
        code: 2,
        message: /^offering buy: missing --amount \(see --help\)\.$/,
      },
      {
        command: "offering buy",
        title: "a negative amount",
        args: offering("--amount=-5"),
        code: 2,
        message: /^offering buy: --amount must be a positive amount of OPEN .*, not "-5"\.$/,
      },
      {
        command: "offering buy",
        title: "an amount past uint256",
        args: offering("--amount", `${PAST_UINT256}`),
        code: 2,
        message: /^offering buy: --amount must be a positive amount of OPEN .*, not "\d+"\.$/,
      },
      {
        command: "offering buy",
        title: "an amount past uint256 in wei",
        args: offering("--amount", (MaxUint256 / 10n ** 18n + 1n).toString()),
        code: 2,
        message: /^offering buy: --amount must be a positive amount of OPEN/,
      },
      {
        command: "offering buy",
        title: "an amount of zero",
        args: offering("--amount", "0"),
        code: 2,
        message: /^offering buy: --amount must be a positive amount of OPEN .*, not "0"\.$/,
      },
      {
        command: "offering buy",
        title: "an amount with 19 decimals",
        args: offering("--amount", "1.0000000000000000001"),
        code: 2,
        message: /^offering buy: --amount must be a positive amount of OPEN/,
      },
      {
        command: "offering buy",
        title: "an amount that is a word",
        args: offering("--amount", "all"),
        code: 2,
        message: /^offering buy: --amount must be a positive amount of OPEN .*, not "all"\.$/,
      },
      {
        command: "offering buy",
        title: "a node that refuses connections",
        args: offering("--amount", "1", "--rpc", closedUrl, "--timeout", "1"),
        code: 1,
        message: unreachable(closedUrl),
        within: 30_000,
      },
      {
        command: "offering finalize",
        title: "a model that is a word",
        args: network("--model", "one", "--account-index", "0"),
        code: 2,
        message: /^offering finalize: --model must be a decimal integer/,
      },
      {
        command: "offering finalize",
        title: "a deployment file of another chain",
        args: offering("--deployment", otherChain),
        code: 1,
        message: otherChainDeployment,
      },
      {
        command: "offering claim",
        title: "a zero account",
        args: ["shares", ...offering("--account", ZeroAddress)],
        code: 2,
        message: badAddress("account"),
      },
      {
        command: "offering claim",
        title: "a node that never answers",
        args: ["shares", ...offering("--rpc", silentUrl, "--timeout", "1")],
        code: 1,
        message: noAnswer(silentUrl),
        within: 30_000,
      },

      /* content */
      {
        command: "content",
        title: "no command",
        args: ["--dir", dir],
        code: 2,
        message: /^content: unknown command "--dir": give one of /,
      },
      {
        command: "content serve",
        title: "a port that is a word",
        args: ["--dir", dir, "--port", "http"],
        code: 2,
        message: /^content serve: --port must be a port number from 0 to 65535, not "http"\.$/,
      },
      {
        command: "content serve",
        title: "a port past 65535",
        args: ["--dir", dir, "--port", "70000"],
        code: 2,
        message: /^content serve: --port must be a port number from 0 to 65535, not "70000"\.$/,
      },
      {
        command: "content publish",
        title: "no file",
        args: ["--dir", join(dir, "published")],
        code: 2,
        message: /^content publish: publish needs at least one file \(see --help\)\.$/,
      },
      {
        command: "content publish",
        title: "a file that does not exist",
        args: ["--dir", join(dir, "published"), missing],
        code: 2,
        message: /^content publish: cannot read ".*missing\.json"\.$/,
      },
      {
        command: "content publish",
        title: "an empty file",
        args: ["--dir", join(dir, "published"), emptyFile],
        code: 2,
        message: /^content publish: ".*empty\.txt" is empty; content needs at least one byte\.$/,
      },

      /* seed */
      {
        command: "seed",
        title: "an unknown option",
        args: ["--outt", dir],
        code: 2,
        message: /^seed: Unknown option '--outt' \(see --help\)\.$/,
      },
      {
        command: "seed",
        title: "--rpc without its value",
        args: ["--rpc"],
        code: 2,
        message: /^seed: Option '--rpc <value>' argument missing \(see --help\)\.$/,
      },
      {
        command: "seed",
        title: "an RPC URL that is not http",
        args: ["--rpc", "ftp://127.0.0.1"],
        code: 2,
        message: /^seed: --rpc must be an http:\/\/ or https:\/\/ URL, not "ftp:\/\/127\.0\.0\.1"\.$/,
      },
      {
        command: "seed",
        title: "an output folder that is a file",
        args: ["--rpc", node.url, "--out", notAFolder],
        code: 2,
        message: /^seed: --out ".*a-file" is a file, not a folder\.$/,
      },
      {
        command: "seed",
        title: "a node that refuses connections",
        args: ["--rpc", closedUrl, "--out", join(dir, "seeded")],
        code: 1,
        message: unreachable(closedUrl),
        within: 30_000,
      },
      {
        command: "seed",
        title: "a node whose chain id is not a number",
        args: ["--rpc", garbageChainUrl, "--out", join(dir, "seeded")],
        code: 1,
        message: notChainId(garbageChainUrl),
      },

      /* bench, swept on its arguments only: a run is minutes */
      {
        command: "bench",
        title: "an unknown part",
        args: ["tre"],
        code: 2,
        message: /^bench: unknown part tre: choose from tree, /,
      },
      {
        command: "bench",
        title: "an option",
        args: ["--quick"],
        code: 2,
        message: /^bench: Unknown option '--quick' \(see --help\)\.$/,
      },

      /* check:package, swept on its arguments only: a run packs the SDK and bundles it */
      {
        command: "check:package",
        title: "--keep without its folder (it used to throw a TypeError)",
        args: ["--keep"],
        code: 2,
        message: /^check:package: Option '--keep <value>' argument missing \(see --help\)\.$/,
      },
      {
        command: "check:package",
        title: "an unknown option",
        args: ["--kepe", dir],
        code: 2,
        message: /^check:package: Unknown option '--kepe' \(see --help\)\.$/,
      },

      /* the test runners, swept on their arguments only: a run is 40 minutes */
      {
        command: "test",
        title: "an unknown option (it used to run the whole suite)",
        args: ["--lsit"],
        code: 2,
        message: /^test: Unknown option '--lsit' \(see --help\)\.$/,
      },
      {
        command: "test",
        title: "--phase without its name (it used to run the whole suite)",
        args: ["--phase"],
        code: 2,
        message: /^test: Option '--phase <value>' argument missing \(see --help\)\.$/,
      },
      {
        command: "test",
        title: "an unknown phase (it used to print the help too)",
        args: ["--phase", "unit"],
        code: 2,
        message: /^test: unknown phase "unit": give plain, coverage or forge \(see --help\)\.$/,
      },
      {
        command: "coverage",
        title: "an unknown option",
        args: ["--gate"],
        code: 2,
        message: /^test: Unknown option '--gate' \(see --help\)\.$/,
      },
      {
        command: "test:forge",
        title: "an unknown option (it used to throw a stack trace)",
        args: ["--run", "10"],
        code: 2,
        message: /^test:forge: Unknown option '--run' \(see --help\)\.$/,
      },
      {
        command: "test:forge",
        title: "runs that are a word (forge used to get it)",
        args: ["--runs", "many"],
        code: 2,
        message: /^test:forge: --runs must be a positive integer, not "many"\.$/,
      },
      {
        command: "test:forge",
        title: "--runs without its value",
        args: ["--runs"],
        code: 2,
        message: /^test:forge: Option '--runs <value>' argument missing \(see --help\)\.$/,
      },
      {
        command: "test:forge",
        title: "a contract name that is a pattern",
        args: ["--match-contract", ".*"],
        code: 2,
        message: /^test:forge: --match-contract must be a contract's name\.$/,
      },
      {
        command: "test:deep",
        title: "runs of zero",
        args: ["--runs", "0"],
        code: 2,
        message: /^test:forge: --runs must be a positive integer, not "0"\.$/,
      },
    );
  });

  after(async function () {
    silent?.close();
    await Promise.all(proxies.map((p) => p.close()));
    await node?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("sweeps every script of package.json, or says why not", function () {
    const swept = new Set(cases.map((c) => c.command));
    const missing = sweptNames().filter((name) => !swept.has(name) && NOT_SWEPT[name] === undefined);
    expect(missing, "commands with neither cases nor a reason in NOT_SWEPT").to.deep.equal([]);
    const stale = Object.keys(NOT_SWEPT).filter((name) => !sweptNames().includes(name) || swept.has(name));
    expect(stale, "NOT_SWEPT names that are not scripts, or that have cases").to.deep.equal([]);
    for (const group of Object.values(GROUPS)) {
      for (const command of Object.values(group.commands))
        expect(COMMANDS, command.name).to.have.property(command.name);
    }
  });

  it("gives each bad input its exit code and one line without a stack trace, and sends nothing", async function () {
    const failures: string[] = [];
    const before = await balancesOf();
    for (const next of cases) {
      // Nothing is mined without a transaction (the node mines each one as it comes): the block number shows which
      // case sent one; the nonces and balances below, whether anything moved at all.
      const block = await node.provider.getBlockNumber();
      const started = Date.now();
      const run = await runInProcess(next);
      const took = Date.now() - started;
      const mined = (await node.provider.getBlockNumber()) - block;
      const lines = run.stderr.trim().split("\n");
      const problems = [
        run.code !== next.code && `exit code ${run.code}, not ${next.code}`,
        lines.length !== 1 && `${lines.length} lines on stderr: ${JSON.stringify(run.stderr.slice(0, 300))}`,
        run.stderr.includes("    at ") && "a stack trace on stderr",
        !next.message.test(lines[0]) && `message "${lines[0]}" does not match ${next.message}`,
        !lines[0]?.startsWith(`${COMMANDS[next.command].prefix}: `) &&
          "the message does not start with the command's name",
        next.within !== undefined && took > next.within && `took ${took} ms`,
        mined > 0 && `${mined} block(s) mined`,
      ].filter(Boolean);
      if (problems.length > 0) failures.push(`${next.command}, ${next.title}: ${problems.join("; ")}`);
    }
    expect(failures).to.deep.equal([]);
    expect(await balancesOf(), "nonces and ETH and OPEN balances").to.deep.equal(before);
  });

  it("lists every option of every command with an example under --help", async function () {
    for (const [name, swept] of Object.entries(COMMANDS)) {
      if (!swept.command) continue;
      const run = await runInProcess({ command: name, args: ["--help"] });
      expect(run.code, name).to.equal(0);
      const lines = run.stdout.split("\n");
      const options = lines.flatMap((line, i) => {
        const flag = /^ {2}(?:-\w, )?--([a-z-]+)/.exec(line)?.[1];
        return flag ? [{ flag, next: lines[i + 1] }] : [];
      });
      expect(options.length, name).to.be.greaterThan(2);
      for (const { flag, next } of options) {
        expect(next, `${name} --${flag}`).to.match(new RegExp(`^ +e\\.g\\. --${flag}\\b`));
      }
      expect(run.stdout).to.contain("Exit codes: 0 done, 1 failed");
    }
  });

  it("answers --help with its usage and exit code 0 in the scripts that are not Command objects too", async function () {
    for (const [name, swept] of Object.entries(COMMANDS)) {
      if (swept.command) continue;
      const run = await runInProcess({ command: name, args: ["--help"] });
      expect(run.code, `${name}: ${run.stderr}`).to.equal(0);
      expect(run.stdout, name).to.match(/^Usage: /m);
    }
  });

  it("ends the claim script's process within its timeout when the node never answers (it used to retry forever)", async function () {
    const env = { ...process.env };
    for (const v of [...VARIABLES, "HARDHAT_NETWORK"]) delete env[v];
    const started = Date.now();
    const run = await runCommand(process.execPath, ["--import", "tsx", "scripts/claim.ts", ...hangingClaim.args], {
      env,
      timeout: 60_000,
    });
    expect(run.code).to.equal(1);
    expect(run.stderr.trim()).to.match(hangingClaim.message);
    expect(Date.now() - started).to.be.lessThan(45_000);
  });

  it("prints one line and no stack trace from each script's own process", async function () {
    const env = { ...process.env };
    for (const v of [...VARIABLES, "HARDHAT_NETWORK"]) delete env[v];
    // Each script's own entry point (exitWith, exitWithGroup, runMain), under tsx: ts-node takes three times as long
    // to load the same modules, and what is checked is the process's exit code and stderr, not the loader.
    const scripts = [
      "deploy.ts",
      "claim.ts",
      "epoch.ts attribute",
      "verifyEpoch.ts",
      "watch.ts",
      "gateway.ts",
      "app.ts",
      "offering.ts buy",
      "content.ts serve",
      "seedExamples.ts",
      "bench.ts",
      "testSuite.ts",
      "checkPackage.ts",
      "foundry/campaign.ts",
    ];
    const failures: string[] = [];
    const check = async (script: string) => {
      const [path, ...command] = script.split(" ");
      const run = await runCommand(
        process.execPath,
        ["--import", "tsx", join("scripts", path), ...command, "--no-such-option"],
        { env, timeout: 90_000 },
      );
      const lines = run.stderr.trim().split("\n");
      if (run.code !== 2 || lines.length !== 1 || run.stderr.includes("    at ")) {
        failures.push(`${script}: exit code ${run.code}, stderr ${JSON.stringify(run.stderr.slice(0, 300))}`);
      }
    };
    // Two at a time: the machine's two cores.
    for (let i = 0; i < scripts.length; i += 2) await Promise.all(scripts.slice(i, i + 2).map(check));
    expect(failures).to.deep.equal([]);
  });
});
