import { expect } from "chai";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { attributeEpoch, readEpochReport, serializeEpochReport } from "../../sdk/src";
import type { EpochInput, EpochReport } from "../../sdk/src";
import { loadEmails } from "../helpers/corpus";
import { address, indexedContributions, spansEpoch, textSettlement } from "../helpers/epochReference";
import { runCommand } from "../helpers/examples";
import type { CommandRun } from "../helpers/examples";
import { seededRandom } from "../helpers/random";

/** 120 mails by four contributors and six settlements of 20 records quoting them, one of whose logs is missing. */
function epochInput(): EpochInput {
  const random = seededRandom(606);
  const mails = loadEmails()
    .filter((_, i) => i % 40 === 0)
    .slice(0, 120);
  const contributions = indexedContributions(
    mails.map((m, i) => ({ id: `c${i}`, datanetId: 1n, contributor: address(`${10 + (i % 4)}`), text: m.text })),
  );
  const settlements = Array.from({ length: 6 }, (_, s) =>
    textSettlement(
      `s${s}`,
      BigInt(1_000_000 * (s + 1)),
      Array.from({ length: 20 }, (_, k) => {
        const words = mails[Math.floor(random() * mails.length)].text.split(/\s+/);
        const at = Math.floor(random() * Math.max(1, words.length - 20));
        return { id: `r${k}`, output: `zq${s}x${k} ${words.slice(at, at + 15).join(" ")}`, calls: BigInt(1 + (k % 3)) };
      }),
    ),
  );
  return spansEpoch(contributions, settlements);
}

/** The input as a JSON file holds it: bigints as decimal strings. */
const toJson = (value: unknown) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2);

describe("The epoch script, run as an operator runs it", function () {
  this.timeout(180_000);
  let dir: string;
  const input = epochInput();
  const epochCli = (args: string[]): Promise<CommandRun> =>
    runCommand("node", ["--import", "tsx", "scripts/epoch.ts", "attribute", ...args], { timeout: 150_000 });

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "epoch-script-"));
    // The logs go to a folder named by CID, as a gateway's store keeps them; the input leaves them out.
    await mkdir(join(dir, "logs"));
    for (const settlement of input.settlements) {
      if (settlement.id === "s4") continue;
      await writeFile(join(dir, "logs", settlement.logURI.slice("ipfs://".length)), settlement.log as string);
    }
    await writeFile(
      join(dir, "epoch.input.json"),
      toJson({ ...input, settlements: input.settlements.map(({ log: _log, ...rest }) => rest) }),
    );
  });

  after(async function () {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("prints its usage with --help", async function () {
    const run = await epochCli(["--help"]);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain("--threads").and.contain("--logs").and.contain("--verify");
  });

  it("writes the same report in one thread and on two, the logs read from the folder, a missing one excluded", async function () {
    const inFile = join(dir, "epoch.input.json");
    const one = await epochCli(["--input", inFile, "--logs", join(dir, "logs"), "--report", join(dir, "one.json")]);
    expect(one.code, one.stderr).to.equal(0);
    const two = await epochCli([
      ...["--input", inFile, "--logs", join(dir, "logs"), "--threads", "2", "--report", join(dir, "two.json")],
    ]);
    expect(two.code, two.stderr).to.equal(0);
    expect(two.stdout).to.contain("6 settlements (1 excluded), 100 records");
    const [a, b] = await Promise.all([
      readFile(join(dir, "one.json"), "utf8"),
      readFile(join(dir, "two.json"), "utf8"),
    ]);
    expect(b).to.equal(a);
    const report = readEpochReport(b) as EpochReport;
    const missing = report.settlements.find((s) => s.id === "s4")!;
    expect(missing.exclusion?.code).to.equal("log-unavailable");
    // The same bytes as the SDK gives for the input with the log left out.
    const expected = attributeEpoch({
      ...input,
      settlements: input.settlements.map((s) =>
        s.id === "s4" ? { ...s, log: undefined, fetchError: missing.exclusion!.message } : s,
      ),
    });
    expect(b).to.equal(serializeEpochReport(expected));
  });

  it("excludes a settlement whose stored log was tampered with, naming it, as the content store checks each CID", async function () {
    const tampered = join(dir, "tampered");
    await mkdir(tampered);
    for (const settlement of input.settlements) {
      const cid = settlement.logURI.slice("ipfs://".length);
      const text = settlement.log as string;
      await writeFile(join(tampered, cid), settlement.id === "s1" ? text.replace("zq1x0", "zq1x9") : text);
    }
    const run = await epochCli([
      ...["--input", join(dir, "epoch.input.json"), "--logs", tampered, "--threads", "2"],
      ...["--report", join(dir, "tampered.json")],
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const report = readEpochReport(await readFile(join(dir, "tampered.json"), "utf8")) as EpochReport;
    const s1 = report.settlements.find((s) => s.id === "s1")!;
    expect(s1.exclusion?.code).to.equal("log-unavailable");
    expect(s1.exclusion?.message).to.contain("settlement s1");
    expect(report.settlements.filter((s) => s.status === "attributed")).to.have.length(5);
  });

  it("refuses a thread count that is not a positive integer with exit code 2 and one line", async function () {
    const run = await epochCli(["--input", join(dir, "epoch.input.json"), "--threads", "0"]);
    expect(run.code).to.equal(2);
    expect(run.stderr.trim()).to.equal('epoch attribute: --threads must be a positive integer, not "0".');
  });
});
