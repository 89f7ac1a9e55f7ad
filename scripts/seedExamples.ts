/*
 * A local deployment for the examples in examples/: deploys the protocol to a running development node with the
 * node's unlocked accounts, creates a Datanet to which three contributors submit and a validator reviews (some
 * contributions accepted, some rejected), and makes an accepted, funded reward root for epoch 1, moving the node's
 * clock past the epoch and the challenge window. Writes the reward tree and the addresses to a folder and prints the
 * settings the examples take. The tests of the examples use the same deployment.
 *
 *   npx hardhat node                                  (in another terminal)
 *   npm run seed [-- --rpc http://127.0.0.1:8545 --out examples/.local]
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { id, parseEther } from "ethers";
import type { JsonRpcApiProvider, JsonRpcSigner } from "ethers";
import { deployProtocol } from "../deploy/protocol";
import { DEFAULT_EPOCH_LENGTH } from "../deploy/settlement";
import { DatanetClient, RewardsClient, buildRewardTree } from "../sdk/src";
import { CommandContext, UsageError, opt, parseStrict, runMain } from "./lib/cli";
import type { RewardTree } from "../sdk/src";

const HELP = `Usage: npm run seed [-- --rpc <url>] [--out <folder>]

Deploys the protocol to a development node (\`npx hardhat node\`, whose unlocked accounts it uses and whose clock it
moves), creates a Datanet with reviewed contributions and an accepted reward root for epoch 1, writes the reward tree
(epoch-1.json) and the addresses (deployment.json) to the folder, and prints how to run the examples against them.
  --rpc <url>     the node (default RPC_URL or http://127.0.0.1:8545)
  --out <folder>  where to write the files (default examples/.local)`;

/** How long the node has to answer the connection check. */
const CONNECT_TIMEOUT_SECONDS = 10;

/** Who does what: indexes of the node's unlocked accounts. */
const ROLES = { deployer: 0, guardian: 1, owner: 2, validator: 3, alice: 5, bob: 6, carol: 7 } as const;

/** Each contributor's submissions, in order, and whether the validator accepts each. */
const REVIEWS = {
  alice: [true, true, true],
  bob: [true, false, true],
  carol: [false, true],
} as const;

/** Cumulative OPEN of each contributor in epoch 1's tree. */
const REWARDS = { alice: parseEther("30"), bob: parseEther("20"), carol: parseEther("12.5") } as const;

export type ExampleContributor = keyof typeof REVIEWS;

/** What the examples are pointed at. */
export interface ExampleDeployment {
  chainId: bigint;
  registry: string;
  distributor: string;
  datanetId: bigint;
  /** The block of the registry's deployment, where indexing may start. */
  fromBlock: number;
  /** Epoch 1's reward tree, the distributor's current root. */
  tree: RewardTree;
  contributors: Record<ExampleContributor, string>;
  /** Index among the node's unlocked accounts of each contributor. */
  accountIndex: Record<ExampleContributor, number>;
}

/**
 * Makes `tree` the distributor's current root for `epoch` on a development node: funds what its total adds to the
 * current root's, moves the clock past the epoch's end, proposes the root, moves past the challenge window and
 * accepts it. `attestor` must be the distributor's attestor (the deployer of {@link seedExampleDeployment}).
 */
export async function publishRoot(
  provider: JsonRpcApiProvider,
  attestor: RewardsClient,
  tree: RewardTree,
  epoch: bigint,
): Promise<void> {
  const increase = tree.total - (await attestor.currentRoot()).total;
  if (increase > 0n) await attestor.fund(increase);
  await provider.send("evm_increaseTime", [Number(DEFAULT_EPOCH_LENGTH)]);
  await provider.send("evm_mine", []);
  await attestor.proposeRoot({
    tree,
    epoch,
    reportHash: id(`example report ${epoch}`),
    reportURI: "ipfs://example-report",
  });
  await provider.send("evm_increaseTime", [Number(await attestor.distributor.challengeWindow()) + 1]);
  await provider.send("evm_mine", []);
  await attestor.acceptRoot();
}

/**
 * Deploys and seeds the examples' deployment through `provider`, a development node (Hardhat's or anvil) that signs
 * for its unlocked accounts and accepts `evm_increaseTime`.
 */
export async function seedExampleDeployment(provider: JsonRpcApiProvider): Promise<ExampleDeployment> {
  const signer = (i: number): Promise<JsonRpcSigner> => provider.getSigner(i);
  const deployer = await signer(ROLES.deployer);
  const fromBlock = await provider.getBlockNumber();
  const { open, datanets, rewards } = await deployProtocol(deployer, {
    guardian: (await signer(ROLES.guardian)).address,
  });
  const registry = await datanets.getAddress();
  const distributor = await rewards.getAddress();

  const owner = await DatanetClient.connect(registry, await signer(ROLES.owner));
  const validator = await signer(ROLES.validator);
  const { datanetId } = await owner.createDatanet({
    uri: "ipfs://example-datanet",
    policy: {
      bond: parseEther("1"),
      quorum: 1,
      reviewWindow: 86_400,
      accessMode: "Open",
      maxFileBytes: 100_000n,
      contributorDailyFiles: 20,
      contributorDailyBytes: 1_000_000n,
      datanetDailyBytes: 10_000_000n,
    },
    validators: [validator.address],
  });

  const contributors = {} as Record<ExampleContributor, string>;
  for (const name of Object.keys(REVIEWS) as ExampleContributor[]) {
    const contributor = await signer(ROLES[name]);
    contributors[name] = contributor.address;
    await (await open.connect(deployer).transfer(contributor.address, parseEther("100"))).wait();
    const client = owner.connect(contributor);
    for (const [i, accept] of REVIEWS[name].entries()) {
      const { contentHash } = await client.submit({ datanetId, content: `${name}'s example record ${i + 1}` });
      await owner.connect(validator).vote(datanetId, contentHash, accept);
    }
  }

  const tree = buildRewardTree(
    (Object.keys(REWARDS) as ExampleContributor[]).map((name) => ({
      account: contributors[name],
      amount: REWARDS[name],
    })),
  );
  await publishRoot(provider, await RewardsClient.connect(distributor, deployer), tree, 1n);

  return {
    chainId: (await provider.getNetwork()).chainId,
    registry,
    distributor,
    datanetId,
    fromBlock,
    tree,
    contributors,
    accountIndex: { alice: ROLES.alice, bob: ROLES.bob, carol: ROLES.carol },
  };
}

/** `npm run seed`: see HELP. */
export async function seedMain(argv: string[]): Promise<number> {
  const { values: raw } = parseStrict(argv, {
    rpc: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (raw.help) {
    console.log(HELP);
    return 0;
  }
  const rpc = opt.rpcUrl("rpc").safeParse(raw.rpc ?? process.env.RPC_URL ?? "http://127.0.0.1:8545");
  if (!rpc.success) throw new UsageError(rpc.error.issues[0].message);
  const values = { rpc: rpc.data, out: (raw.out as string | undefined) ?? "examples/.local" };
  // Checked before anything is sent: the files are written after the deployment.
  if ((await stat(values.out).catch(() => undefined))?.isDirectory() === false) {
    throw new UsageError(`--out "${values.out}" is a file, not a folder.`);
  }
  const context = new CommandContext("seed");
  try {
    const { provider } = await context.connect(values.rpc, CONNECT_TIMEOUT_SECONDS);
    const d = await seedExampleDeployment(provider);
    const out = resolve(values.out);
    await mkdir(out, { recursive: true });
    const treePath = join(out, "epoch-1.json");
    await writeFile(treePath, JSON.stringify(d.tree.toJSON(), null, 2));
    const settings = {
      rpc: values.rpc,
      chainId: d.chainId.toString(),
      registry: d.registry,
      distributor: d.distributor,
      datanetId: d.datanetId.toString(),
      fromBlock: d.fromBlock,
      tree: treePath,
      contributors: d.contributors,
      accountIndex: d.accountIndex,
    };
    await writeFile(join(out, "deployment.json"), JSON.stringify(settings, null, 2));
    const tree = relative(process.cwd(), treePath);
    console.log(`Deployed and seeded on chain ${d.chainId}; tree and addresses in ${relative(process.cwd(), out)}/.

Node example (bob, the node's account #${d.accountIndex.bob}: its key is printed by \`npx hardhat node\`):
  RPC_URL=${values.rpc} REGISTRY=${d.registry} DISTRIBUTOR=${d.distributor} DATANET_ID=${d.datanetId} \\
    npm start -w examples/node-claim -- --tree ${tree} --account ${d.contributors.bob} --dry-run

Web example (\`npm run build -w examples/web-claim && npm run preview -w examples/web-claim\`, then choose
${tree} as the tree file in the page):
  http://localhost:4173/?registry=${d.registry}&distributor=${d.distributor}&datanet=${d.datanetId}`);
    return 0;
  } finally {
    context.close();
  }
}

if (require.main === module) {
  // Exits outright: a provider left by a failed step would keep the process alive.
  void runMain("seed", seedMain).then((code) => process.exit(code));
}
