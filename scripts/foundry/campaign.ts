/*
 * Runs forge's invariant campaign (test/foundry) and prints, per action, the calls, the calls that changed state and
 * the share that reverted, with the sequences, the calls and the calls per second.
 *
 *   npm run test:forge                 the npm-test profile: 2,000 sequences (foundry.toml [profile.default])
 *   npm run test:deep                  FOUNDRY_PROFILE=deep: 100,000 sequences
 *   tsx scripts/foundry/campaign.ts [--profile deep] [--runs N] [--jobs N] [--match-contract Name] [--verbose]
 *
 * forge runs one campaign on one thread. With --jobs N (test:deep: 2, one per core here), N forge processes share the
 * sequences, each with its own seed (the configured one, then the next ones), and their figures are added up.
 *
 * Exits non-zero when forge fails, when no invariant test ran (forge exits 0 for an empty filter), or when fewer
 * sequences ran than configured. forge runs from its platform binary (scripts/foundry/bin.sh): the npm shim exits 0
 * even when tests fail.
 */
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import Table from "cli-table3";
import * as z from "zod";
import { UsageError, opt, parseStrict, runMain } from "../lib/cli";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "scripts/foundry/bin.sh");
/** The campaign `npm test` runs. */
export const DEFAULT_CONTRACT = "SystemInvariantTest";

/** One invariant test's result line: `invariant_x() (runs: 2000, calls: 160000, reverts: 1234)`. */
export interface InvariantResult {
  name: string;
  runs: number;
  calls: number;
  reverts: number;
}

/** One row of forge's `show_metrics` table: a handler function's calls, reverts and discards. */
export interface ActionMetrics {
  contract: string;
  selector: string;
  calls: number;
  reverts: number;
  discards: number;
}

/** What {@link parseForgeOutput} reads from forge's output. */
export interface CampaignOutput {
  invariants: InvariantResult[];
  actions: ActionMetrics[];
  passed: number;
  failed: number;
}

// forge colours its output on a terminal; the text is parsed without its escape codes.
// eslint-disable-next-line no-control-regex
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");

/** Reads the invariant results, the per-function metrics and the pass/fail counts from `forge test`'s output. */
export function parseForgeOutput(raw: string): CampaignOutput {
  const text = stripAnsi(raw);
  const invariants = [...text.matchAll(/(invariant_\w+)\(\) \(runs: (\d+), calls: (\d+), reverts: (\d+)\)/g)].map(
    (m) => ({ name: m[1], runs: Number(m[2]), calls: Number(m[3]), reverts: Number(m[4]) }),
  );
  const actions: ActionMetrics[] = [];
  for (const m of text.matchAll(/^\|\s*(\w+)\s*\|\s*(\w+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*$/gm)) {
    actions.push({
      contract: m[1],
      selector: m[2],
      calls: Number(m[3]),
      reverts: Number(m[4]),
      discards: Number(m[5]),
    });
  }
  const passed = [...text.matchAll(/(\d+) tests? passed/g)].reduce((n, m) => n + Number(m[1]), 0);
  const failed = [...text.matchAll(/(\d+) failed/g)].reduce((n, m) => Math.max(n, Number(m[1])), 0);
  return { invariants, actions, passed, failed };
}

/**
 * The invariant runs and depth forge will use under `env` (its profile and FOUNDRY_INVARIANT_* overrides), and its
 * fuzz seed.
 */
function configuredInvariant(env: NodeJS.ProcessEnv): { runs: number; depth: number; seed: bigint } {
  const config = spawnSync(BIN, ["forge", "config", "--json"], { cwd: ROOT, env, encoding: "utf8" });
  // One line, as every command of the project answers: a missing binary or a broken foundry.toml.
  if (config.status !== 0)
    throw new Error(`forge config failed: ${config.stderr.split("\n").filter(Boolean).join(" ")}`);
  const { invariant, fuzz } = JSON.parse(config.stdout) as {
    invariant: { runs: number; depth: number };
    fuzz: { seed: string | null };
  };
  return { runs: invariant.runs, depth: invariant.depth, seed: BigInt(fuzz.seed ?? 0) };
}

/** Adds up the outputs of forge processes that shared one campaign: per invariant and per action. */
export function mergeOutputs(outputs: CampaignOutput[]): CampaignOutput {
  const invariants = new Map<string, InvariantResult>();
  const actions = new Map<string, ActionMetrics>();
  for (const output of outputs) {
    for (const r of output.invariants) {
      const sum = invariants.get(r.name) ?? { name: r.name, runs: 0, calls: 0, reverts: 0 };
      invariants.set(r.name, {
        name: r.name,
        runs: sum.runs + r.runs,
        calls: sum.calls + r.calls,
        reverts: sum.reverts + r.reverts,
      });
    }
    for (const a of output.actions) {
      const key = `${a.contract}.${a.selector}`;
      const sum = actions.get(key) ?? { ...a, calls: 0, reverts: 0, discards: 0 };
      actions.set(key, {
        ...sum,
        calls: sum.calls + a.calls,
        reverts: sum.reverts + a.reverts,
        discards: sum.discards + a.discards,
      });
    }
  }
  return {
    invariants: [...invariants.values()],
    actions: [...actions.values()],
    passed: outputs.reduce((n, o) => n + o.passed, 0),
    failed: outputs.reduce((n, o) => n + o.failed, 0),
  };
}

/** Runs `forge test` on one contract; resolves to its exit status and its whole output. */
function forgeTest(
  contract: string,
  env: NodeJS.ProcessEnv,
  seed: bigint,
): Promise<{ status: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      BIN,
      ["forge", "test", "--match-contract", `^${contract}$`, "--fuzz-seed", `0x${seed.toString(16)}`],
      {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ status: code ?? (signal ? 1 : 0), output }));
  });
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)}%`;
}

const CAMPAIGN_SCHEMA = z.object({
  profile: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "--profile must be a profile name of foundry.toml (letters, digits, - and _).")
    .optional(),
  runs: opt.integer("runs").optional(),
  jobs: opt.integer("jobs").default(1),
  "match-contract": z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "--match-contract must be a contract's name.")
    .default(DEFAULT_CONTRACT),
  verbose: opt.flag(),
});

const HELP = `Usage: npm run test:forge [-- options] | npm run test:deep

Runs forge's system-wide invariant campaign (test/foundry) and prints each action's calls, the calls that changed
state and the share that reverted, then the sequences and calls per second. Fails when forge fails, when no invariant
test ran, or when fewer sequences ran than configured.
  --profile <name>         a profile of foundry.toml (deep: 100,000 sequences; default: 2,000)
  --runs <n>               sequences, instead of the profile's
  --jobs <n>               forge processes sharing the sequences, each from its own seed (default 1)
  --match-contract <name>  the invariant test contract (default ${DEFAULT_CONTRACT})
  --verbose                print forge's whole output`;

/** `npm run test:forge`: see the top of this file. */
export async function campaignMain(argv: string[]): Promise<number> {
  const { values: raw } = parseStrict(argv, {
    profile: { type: "string" },
    runs: { type: "string" },
    jobs: { type: "string" },
    "match-contract": { type: "string" },
    verbose: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (raw.help) {
    console.log(HELP);
    return 0;
  }
  // Checked before forge starts: a bad value would otherwise reach it as an environment variable it misreads.
  const options = CAMPAIGN_SCHEMA.safeParse(raw);
  if (!options.success) throw new UsageError(options.error.issues[0].message);
  const values = options.data;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (values.profile) env.FOUNDRY_PROFILE = values.profile;
  if (values.runs !== undefined) env.FOUNDRY_INVARIANT_RUNS = String(values.runs);
  const contract = values["match-contract"];
  const { runs, depth, seed } = configuredInvariant(env);
  const jobs = Math.min(values.jobs, runs);

  const buildStart = performance.now();
  const build = spawnSync(BIN, ["forge", "build"], { cwd: ROOT, env, encoding: "utf8", stdio: "pipe" });
  const buildSeconds = (performance.now() - buildStart) / 1000;
  if (build.status !== 0) {
    process.stderr.write(build.stdout + build.stderr);
    console.error(`forge build failed (exit ${build.status}).`);
    return 1;
  }

  console.log(
    `forge invariant campaign ${contract}: ${runs.toLocaleString("en-US")} sequences × ${depth} calls ` +
      `(profile ${env.FOUNDRY_PROFILE ?? "default"}${jobs > 1 ? `, ${jobs} forge processes` : ""}; ` +
      `forge build ${buildSeconds.toFixed(1)} s)`,
  );
  // Job i runs its share of the sequences from seed + i; job 0 is the configured campaign when it runs alone.
  const shares = Array.from({ length: jobs }, (_, i) => Math.floor(runs / jobs) + (i < runs % jobs ? 1 : 0));
  const start = performance.now();
  const results = await Promise.all(
    shares.map((share, i) => forgeTest(contract, { ...env, FOUNDRY_INVARIANT_RUNS: String(share) }, seed + BigInt(i))),
  );
  const seconds = (performance.now() - start) / 1000;
  const parsedJobs = results.map((r) => parseForgeOutput(r.output));
  const parsed = mergeOutputs(parsedJobs);

  const problems: string[] = [];
  results.forEach((r, i) => {
    const which = jobs > 1 ? ` (process ${i + 1} of ${jobs})` : "";
    if (r.status !== 0) problems.push(`forge test exited with ${r.status}${which}`);
    if (parsedJobs[i].invariants.length === 0) problems.push(`no invariant test of ${contract} ran${which}`);
    for (const result of parsedJobs[i].invariants) {
      if (result.runs < shares[i])
        problems.push(`${result.name} ran ${result.runs} sequences, fewer than ${shares[i]}${which}`);
    }
  });
  if (parsed.failed > 0) problems.push(`${parsed.failed} invariant test(s) failed`);
  if (problems.length > 0 || values.verbose) for (const r of results) process.stdout.write(r.output);

  const table = new Table({ head: ["action", "calls", "changed state", "reverted"], style: { head: [], border: [] } });
  for (const a of [...parsed.actions].sort((x, y) =>
    (x.contract + x.selector).localeCompare(y.contract + y.selector),
  )) {
    table.push([`${a.contract}.${a.selector}`, a.calls, a.calls - a.reverts - a.discards, percent(a.reverts, a.calls)]);
  }
  const calls = parsed.invariants.reduce((n, r) => n + r.calls, 0);
  const reverts = parsed.invariants.reduce((n, r) => n + r.reverts, 0);
  const sequences = parsed.invariants.reduce((n, r) => n + r.runs, 0);
  table.push(["total", calls, calls - reverts, percent(reverts, calls)]);
  console.log(table.toString());
  console.log(
    `${sequences.toLocaleString("en-US")} sequences, ${calls.toLocaleString("en-US")} calls ` +
      `(${(calls / Math.max(sequences, 1)).toFixed(1)} per sequence, ` +
      `${((calls - reverts) / Math.max(sequences, 1)).toFixed(1)} changed state) in ${seconds.toFixed(1)} s: ` +
      `${Math.round(calls / seconds).toLocaleString("en-US")} calls/s`,
  );
  if (problems.length > 0) {
    console.error(`The forge campaign failed: ${problems.join("; ")}.`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  void runMain("test:forge", campaignMain).then((code) => {
    process.exitCode = code;
  });
}
