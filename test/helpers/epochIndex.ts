import { keccak256, toUtf8Bytes } from "ethers";
import type { Kysely } from "kysely";
import { attributeEpoch, cidFromContentHash, contentUri, serializeEpochReport } from "../../sdk/src";
import type { EpochInput, EpochReport } from "../../sdk/src";
import { FileContentStore, loadEpochReports } from "../../sdk/src/node";
import type { IndexSchema } from "../../sdk/src/node";
import { address, indexedContributions, spansEpoch, textSettlement } from "./epochReference";

/*
 * An epoch really attributed, in an index: a spans model trained on Datanet 1, whose outputs copy long runs of some
 * contributions' texts; the SDK's attributeEpoch writes the report, which is published to a content folder with
 * the texts and the log, and the index gets the contributions, the settlements and the root proposal as the indexer
 * writes them, then loads the report. Epoch 2's proposal names a report the store does not hold; epoch 3 has a
 * settlement and no root yet.
 */

const OPEN = 10n ** 18n;

/** The contributions' texts: a few of them are quoted at length by the outputs below. */
const TEXTS = [
  "The river otter hunts at dawn along the muddy banks of slow northern streams, diving for crayfish and small fish.",
  "Copper roofs turn green because the metal slowly reacts with water, carbon dioxide and sulphur in the air.",
  "A sourdough starter needs flour, water and patience: feed it twice a day and keep it somewhere warm.",
  "Glaciers carve U-shaped valleys as they grind the bedrock beneath them over thousands of years.",
  "The violin's sound post transmits vibrations from the top plate to the back of the instrument.",
  "Honeybees communicate the direction of flowers to their hive mates with a waggle dance on the comb.",
  "Tide pools shelter anemones, hermit crabs and sea stars between the high and low water marks.",
  "A lighthouse keeper once trimmed the wick every few hours so that the lamp would burn through the night.",
  "Volcanic soils are fertile because the ash weathers quickly into clay rich in minerals.",
  "Paper cranes folded from a single square sheet became a symbol of hope after the war.",
];

/** The outputs of settlement 1: most quote one or two contributions, one quotes nothing. */
const OUTPUTS = [
  "Did you know? The river otter hunts at dawn along the muddy banks, and it loves crayfish.",
  "Old buildings look green since copper roofs turn green because the metal slowly reacts with water over time.",
  "To bake bread, a sourdough starter needs flour, water and patience, while glaciers carve U-shaped valleys slowly.",
  "Honeybees communicate the direction of flowers to their hive mates with a dance.",
  "Nothing in this answer was ever written down by anybody before today.",
  "A lighthouse keeper once trimmed the wick every few hours, and paper cranes folded from a single square sheet.",
];

/** The epoch's chain time (the last indexed block's) and its root's end of the challenge window. */
export const EPOCH_CHAIN_TIME = 1_700_000_000;
export const EPOCH_VALID_AT = EPOCH_CHAIN_TIME + 3 * 3_600;

const txHash = (what: string) => keccak256(toUtf8Bytes(what));

export interface AttributedEpoch {
  input: EpochInput;
  report: EpochReport;
  store: FileContentStore;
  /** Contribution id → its text. */
  texts: Map<string, string>;
  /** The settlement whose records are attributed, and the one excluded (its log is not in the store). */
  attributed: string;
  excluded: string;
}

/** Writes the attributed epoch into `db` and its content into a store at `folder`. */
export async function writeAttributedEpoch(db: Kysely<IndexSchema>, folder: string): Promise<AttributedEpoch> {
  const store = new FileContentStore(folder);
  const contributors = [address("a1"), address("b2"), address("c3")];
  const contributions = indexedContributions(
    TEXTS.map((text, i) => ({
      id: String(7_000 + i),
      datanetId: 1n,
      contributor: contributors[i % contributors.length],
      text,
      acceptedAt: 10 + i,
    })),
  );
  const attributed = `${txHash("settlement 1")}:1`;
  const excluded = `${txHash("settlement 2")}:4`;
  const settled = textSettlement(
    attributed,
    40n * OPEN,
    OUTPUTS.map((output, i) => ({ id: `record-${i + 1}`, output, calls: BigInt(1 + (i % 3)) })),
  );
  const lost = textSettlement(excluded, 3n * OPEN, [{ id: "lost-1", output: "A log nobody kept." }]);
  const { log: _lost, ...withoutLog } = lost;
  const input = spansEpoch(contributions, [settled, { ...withoutLog, fetchError: "it is not in the content store." }]);
  const report = attributeEpoch(input);

  for (const c of contributions) await store.put(c.text);
  await store.put(settled.log as string);
  const reportURI = contentUri((await store.put(serializeEpochReport(report))).cid);

  await db
    .insertInto("indexed_blocks")
    .values(
      [1, 2, 3, 4, 5].map((n) => ({
        number: n,
        hash: txHash(`block ${n}`),
        parent_hash: txHash(`block ${n - 1}`),
        timestamp: EPOCH_CHAIN_TIME - (5 - n) * 12,
      })),
    )
    .execute();
  await db
    .insertInto("contributions")
    .values(
      contributions.map((c, i) => ({
        block_number: 1,
        tx_hash: txHash(`contribution ${c.id}`),
        log_index: i,
        contribution_id: c.id,
        datanet_id: "1",
        contributor: c.contributor.toLowerCase(),
        content_hash: c.contentHash,
        attempt: 1,
        size: String(Buffer.byteLength(c.text)),
        uri: contentUri(cidFromContentHash(c.contentHash)),
        terms_version: 1,
        bond: String(OPEN),
        from_credit: false,
        status: "Accepted" as const,
        status_block: 2,
        refund: String(OPEN),
        slashed: null,
        kept: null,
        accepted_index: c.index,
        accepted_digest: null,
      })),
    )
    .execute();
  const settlementRow = (s: typeof settled, epoch: number, fee: bigint, block: number) => {
    const [tx, log] = s.id.split(":");
    return {
      block_number: block,
      tx_hash: tx,
      log_index: Number(log),
      id: s.id,
      epoch,
      model_id: "1",
      payer: address("e5").toLowerCase(),
      calls: s.calls.toString(),
      fee: fee.toString(),
      treasury_share: (fee / 10n).toString(),
      model_share: (fee / 2n).toString(),
      stakers_share: (fee - fee / 10n - fee / 2n - s.pot).toString(),
      contributors_share: s.pot.toString(),
      log_root: s.logRoot,
      log_uri: s.logURI,
    };
  };
  const later = textSettlement(`${txHash("settlement 3")}:0`, 1n * OPEN, [{ id: "later-1", output: "Later." }]);
  await db
    .insertInto("settlements")
    .values([
      settlementRow(settled, 1, 100n * OPEN, 3),
      settlementRow(lost, 1, 10n * OPEN, 3),
      settlementRow(later, 3, 5n * OPEN, 5),
    ])
    .execute();
  const root = (block: number, values: Partial<IndexSchema["reward_roots"]> & { epoch: number; root: string }) => ({
    block_number: block,
    tx_hash: txHash(`root ${block} ${values.epoch}`),
    log_index: 0,
    action: "proposed" as const,
    total: null,
    report_hash: null,
    report_uri: null,
    valid_at: null,
    guardian: null,
    ...values,
  });
  await db
    .insertInto("reward_roots")
    .values([
      root(4, {
        epoch: 1,
        root: report.tree.root,
        total: report.tree.total,
        report_hash: report.reportHash,
        report_uri: reportURI,
        valid_at: EPOCH_VALID_AT,
      }),
      root(4, {
        epoch: 2,
        root: txHash("root of epoch 2"),
        total: "1",
        report_hash: txHash("report of epoch 2"),
        report_uri: "ipfs://bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        valid_at: EPOCH_VALID_AT,
      }),
      root(5, { epoch: 2, root: txHash("root of epoch 2"), action: "revoked", guardian: address("f6").toLowerCase() }),
    ])
    .execute();
  await loadEpochReports(db, store);
  return {
    input,
    report,
    store,
    texts: new Map(contributions.map((c) => [c.id, c.text])),
    attributed,
    excluded,
  };
}
