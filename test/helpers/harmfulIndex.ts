import { keccak256, toUtf8Bytes } from "ethers";
import type { Kysely } from "kysely";
import { attributeEpoch, contentUri, serializeEpochReport } from "../../sdk/src";
import type { EpochReport } from "../../sdk/src";
import { FileContentStore, loadEpochReports } from "../../sdk/src/node";
import type { IndexSchema } from "../../sdk/src/node";
import { mislabelledSpamScenario } from "./epochScenarios";
import { insertRootEvent } from "./indexDatabases";

/** A transaction hash of its own for each row written here. */
const txHash = (what: string) => keccak256(toUtf8Bytes(what));

/**
 * An index holding the mislabelled-spam epoch (see {@link mislabelledSpamScenario}): Datanet 1 with its terms and
 * its 300 training contributions under decimal ids, as an index names them, and the epoch's report loaded from a
 * content folder `dir` through a proposal of its root. Gives the report and the scenario, to check answers against.
 */
export async function harmfulScenarioIndex(db: Kysely<IndexSchema>, dir: string) {
  const scenario = mislabelledSpamScenario((i) => (10n ** 70n + BigInt(i)).toString());
  const report: EpochReport = attributeEpoch(scenario.input);
  const store = new FileContentStore(dir);
  const uri = contentUri((await store.put(serializeEpochReport(report))).cid);
  const at = (what: string, log_index = 0) => ({ block_number: 1, tx_hash: txHash(what), log_index });
  await db
    .insertInto("indexed_blocks")
    .values({ number: 1, hash: txHash("block 1"), parent_hash: txHash("block 0"), timestamp: 1_700_000_000 })
    .execute();
  const owner = `0x${"b".repeat(40)}`;
  await db
    .insertInto("datanets")
    .values({ ...at("datanet"), datanet_id: "1", owner, uri: "ipfs://spam-mails" })
    .execute();
  await db
    .insertInto("terms")
    .values({
      ...at("terms"),
      datanet_id: "1",
      terms_version: 1,
      bond: "0",
      quorum: 1,
      review_window: 86_400,
      access_mode: 0,
      max_file_bytes: "1000000",
      contributor_daily_files: 500,
      contributor_daily_bytes: "100000000",
      datanet_daily_bytes: "1000000000",
    })
    .execute();
  await db
    .insertInto("contributions")
    .values(
      scenario.input.contributions.map((c, i) => ({
        ...at(`contribution ${c.id}`, i),
        contribution_id: c.id,
        datanet_id: "1",
        contributor: c.contributor.toLowerCase(),
        content_hash: c.contentHash,
        attempt: 1,
        size: "1000",
        uri: `ipfs://mail-${i}`,
        terms_version: 1,
        bond: "0",
        from_credit: false,
        status: "Accepted" as const,
        status_block: 1,
        status_tx_hash: null,
        status_log_index: null,
        refund: "0",
        slashed: null,
        kept: null,
        accepted_index: c.index,
        accepted_digest: null,
      })),
    )
    .execute();
  await insertRootEvent(db, report, { block: 1, tx_hash: txHash("proposal"), uri, valid_at: 1_700_000_000 });
  const loaded = await loadEpochReports(db, store);
  if (loaded.loaded.length !== 1) throw new Error(`The scenario's report did not load: ${JSON.stringify(loaded)}`);
  return { report, scenario };
}
