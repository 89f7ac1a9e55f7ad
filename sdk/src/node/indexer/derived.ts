import { getAddress } from "ethers";
import type { Kysely } from "kysely";
import { fromPolicyTuple } from "../../datanet/types";
import { newIndexedDatanet } from "../../indexer/datanetIndexer";
import type { IndexedContribution, IndexedDatanet, IndexedStatus } from "../../indexer/datanetIndexer";
import type { ContributorStats } from "../../reputation/leaderboard";
import type { SettlementRecord } from "../../clients/settlementClient";
import type { StakePositionView } from "../../clients/stakingClient";
import { ledgerOf } from "../../settlement/ledger";
import type { EpochLedgerView } from "../../settlement/ledger";
import { indexEpoch, indexKysely, readIndex } from "./access";
import type { IndexSchema } from "./schema";

/*
 * State rebuilt from the index's tables, in the shapes the SDK's in-memory readers give (DatanetIndexer,
 * SettlementClient, StakingClient), so that either can be checked against the other. Addresses come back
 * checksummed where those readers return them from events, lower-case where they key maps by them.
 */

/** Everything {@link DatanetIndexer} rebuilds, from the tables. */
export interface DatanetIndexState {
  datanets: Map<bigint, IndexedDatanet>;
  /** In submission order. */
  contributions: Map<bigint, IndexedContribution>;
  /** Bond credit per lower-case account, for the accounts events credited or debited. */
  bondCredits: Map<string, bigint>;
  /** Reputation counters per Datanet, contributors in the order of their first submission. */
  reputation: Map<bigint, ContributorStats[]>;
}

type Db = Kysely<IndexSchema>;

const byPosition = <T extends { block_number: number; log_index: number }>(rows: T[]) =>
  rows.sort((a, b) => a.block_number - b.block_number || a.log_index - b.log_index);

/** Datanets, contributions, votes, versions, treasuries, bond credits and reputation as the tables hold them. */
export async function datanetStateFromIndex(db: Db): Promise<DatanetIndexState> {
  return readIndex("the Datanets", () => datanetState(indexKysely(db)));
}

async function datanetState(db: Db): Promise<DatanetIndexState> {
  const [created, transfers, uris, terms, validators, access, contributions, votes, versions, withdrawals, credits] =
    await Promise.all([
      db.selectFrom("datanets").selectAll().execute(),
      db.selectFrom("nft_transfers").selectAll().where("contract", "=", "datanets").execute(),
      db.selectFrom("datanet_uri_updates").selectAll().execute(),
      db.selectFrom("terms").selectAll().execute(),
      db.selectFrom("validators").selectAll().orderBy("position").execute(),
      db.selectFrom("model_access").selectAll().execute(),
      db.selectFrom("contributions").selectAll().execute(),
      db.selectFrom("votes").selectAll().execute(),
      db.selectFrom("versions").selectAll().execute(),
      db.selectFrom("treasury_withdrawals").selectAll().execute(),
      db.selectFrom("bond_credit_withdrawals").selectAll().execute(),
    ]);

  const datanets = new Map<bigint, IndexedDatanet>();
  for (const d of byPosition(created)) {
    datanets.set(BigInt(d.datanet_id), newIndexedDatanet(BigInt(d.datanet_id), getAddress(d.owner), d.uri));
  }
  const datanet = (id: string) => datanets.get(BigInt(id))!;
  for (const t of byPosition(transfers)) {
    if (BigInt(t.from_address) !== 0n) datanet(t.token_id).owner = getAddress(t.to_address);
  }
  for (const u of byPosition(uris)) datanet(u.datanet_id).uri = u.uri;
  const validatorsOf = new Map<string, string[]>();
  for (const v of validators) {
    const key = `${v.tx_hash}:${v.log_index}`;
    validatorsOf.set(key, [...(validatorsOf.get(key) ?? []), getAddress(v.validator)]);
  }
  for (const t of byPosition(terms)) {
    datanet(t.datanet_id).terms.push({
      version: t.terms_version,
      policy: fromPolicyTuple({
        bond: BigInt(t.bond),
        quorum: t.quorum,
        reviewWindow: t.review_window,
        accessMode: t.access_mode,
        maxFileBytes: BigInt(t.max_file_bytes),
        contributorDailyFiles: t.contributor_daily_files,
        contributorDailyBytes: BigInt(t.contributor_daily_bytes),
        datanetDailyBytes: BigInt(t.datanet_daily_bytes),
      }),
      validators: validatorsOf.get(`${t.tx_hash}:${t.log_index}`) ?? [],
    });
  }
  for (const m of byPosition(access)) {
    const approved = datanet(m.datanet_id).approvedModelOwners;
    if (m.approved) approved.add(m.account);
    else approved.delete(m.account);
  }

  const byId = new Map<bigint, IndexedContribution>();
  const bondCredits = new Map<string, bigint>();
  const credit = (account: string, delta: bigint) => bondCredits.set(account, (bondCredits.get(account) ?? 0n) + delta);
  const stats = new Map<string, ContributorStats & { datanetId: bigint }>();
  for (const c of byPosition(contributions)) {
    const id = BigInt(c.contribution_id);
    const status = c.status as IndexedStatus;
    const row: IndexedContribution = {
      id,
      datanetId: BigInt(c.datanet_id),
      contributor: getAddress(c.contributor),
      contentHash: c.content_hash,
      attempt: c.attempt,
      size: BigInt(c.size),
      uri: c.uri,
      termsVersion: c.terms_version,
      bond: BigInt(c.bond),
      status,
      votes: [],
      submittedBlock: c.block_number,
      submittedTx: c.tx_hash,
    };
    if (status === "Accepted") {
      row.acceptedIndex = c.accepted_index!;
      row.acceptedBlock = c.status_block!;
    }
    byId.set(id, row);
    const statsKey = `${c.datanet_id}:${c.contributor}`;
    const s = stats.get(statsKey) ?? {
      datanetId: row.datanetId,
      account: row.contributor,
      accepted: 0,
      rejected: 0,
      acceptedBytes: 0n,
    };
    stats.set(statsKey, s);
    if (status === "Accepted") {
      s.accepted += 1;
      s.acceptedBytes += row.size;
    }
    if (status === "Rejected") s.rejected += 1;
    if (c.from_credit) credit(c.contributor, -row.bond);
    if (status === "Accepted" || status === "Superseded") credit(c.contributor, BigInt(c.refund!));
    const d = datanet(c.datanet_id);
    if (status === "Rejected") d.treasury += BigInt(c.slashed!);
    if (status === "Expired") d.treasury += BigInt(c.kept!);
  }
  for (const w of credits) credit(w.account, -BigInt(w.amount));
  for (const w of withdrawals) datanet(w.datanet_id).treasury -= BigInt(w.amount);
  for (const v of byPosition(votes)) {
    byId.get(BigInt(v.contribution_id))?.votes.push({ validator: getAddress(v.validator), accept: v.accept });
  }

  const accepted = contributions
    .filter((c) => c.status === "Accepted")
    .sort((a, b) => a.accepted_index! - b.accepted_index!);
  for (const c of accepted) {
    const d = datanet(c.datanet_id);
    d.acceptances.push({ contributionId: BigInt(c.contribution_id), contentHash: c.content_hash });
    d.digest = c.accepted_digest!;
  }
  for (const v of byPosition(versions)) {
    datanet(v.datanet_id).versions.push({
      version: v.version,
      count: v.count,
      digest: v.digest,
      recomputedDigest: v.recomputed_digest,
      blockNumber: v.block_number,
    });
  }

  const reputation = new Map<bigint, ContributorStats[]>();
  for (const { datanetId, ...s } of stats.values())
    reputation.set(datanetId, [...(reputation.get(datanetId) ?? []), s]);
  return { datanets, contributions: byId, bondCredits, reputation };
}

/** The settlements of `epoch` (every epoch's when omitted) in chain order, as {@link SettlementClient} records them. */
export async function settlementsFromIndex(db: Db, epoch?: bigint): Promise<SettlementRecord[]> {
  if (epoch !== undefined) indexEpoch(epoch);
  return readIndex("the settlements", () => settlements(indexKysely(db), epoch));
}

async function settlements(db: Db, epoch?: bigint): Promise<SettlementRecord[]> {
  let query = db.selectFrom("settlements").selectAll().orderBy("block_number").orderBy("log_index");
  if (epoch !== undefined) query = query.where("epoch", "=", Number(epoch));
  return (await query.execute()).map((s) => ({
    epoch: BigInt(s.epoch),
    modelId: BigInt(s.model_id),
    payer: getAddress(s.payer),
    calls: BigInt(s.calls),
    fee: BigInt(s.fee),
    shares: {
      treasury: BigInt(s.treasury_share),
      model: BigInt(s.model_share),
      stakers: BigInt(s.stakers_share),
      contributors: BigInt(s.contributors_share),
    },
    logRoot: s.log_root,
    logURI: s.log_uri,
    blockNumber: s.block_number,
    transactionHash: s.tx_hash,
    logIndex: s.log_index,
    id: s.id,
  }));
}

/** An epoch's ledger (calls, settlements, fees, log digest) recomputed from its settlements' rows. */
export async function ledgerFromIndex(db: Db, epoch: bigint): Promise<EpochLedgerView> {
  return ledgerOf(await settlementsFromIndex(db, indexEpoch(epoch)));
}

/** The staking pool's totals and positions as the tables hold them. */
export interface StakingIndexState {
  totalStaked: bigint;
  /** Staked plus unstaking, not yet withdrawn. */
  principal: bigint;
  /** Rewards notified by settlement, in all. */
  notified: bigint;
  /** Per lower-case account. */
  positions: Map<string, StakePositionView>;
}

/** Stakes, unstake requests and withdrawals folded into the pool's totals and each staker's position. */
export async function stakingStateFromIndex(db: Db): Promise<StakingIndexState> {
  return readIndex("the staking pool", () => stakingState(indexKysely(db)));
}

async function stakingState(db: Db): Promise<StakingIndexState> {
  const [stakes, requests, withdrawals, notified] = await Promise.all([
    db.selectFrom("stakes").selectAll().execute(),
    db.selectFrom("unstake_requests").selectAll().execute(),
    db.selectFrom("withdrawals").selectAll().execute(),
    db
      .selectFrom("reward_notifications")
      .select((eb) => eb.fn.sum<string | null>("amount").as("total"))
      .executeTakeFirstOrThrow(),
  ]);
  const positions = new Map<string, StakePositionView>();
  const position = (account: string) => {
    let p = positions.get(account);
    if (!p) positions.set(account, (p = { staked: 0n, unstaking: 0n, unstakeReadyAt: 0n }));
    return p;
  };
  const events = byPosition([
    ...stakes.map((s) => ({ ...s, kind: "stake" as const })),
    ...requests.map((r) => ({ ...r, kind: "request" as const })),
    ...withdrawals.map((w) => ({ ...w, kind: "withdrawal" as const })),
  ]);
  for (const e of events) {
    const p = position(e.account);
    if (e.kind === "stake") p.staked += BigInt(e.amount);
    else if (e.kind === "request") {
      p.staked -= BigInt(e.amount);
      p.unstaking = BigInt(e.unstaking);
      p.unstakeReadyAt = BigInt(e.ready_at);
    } else {
      p.unstaking = 0n;
      p.unstakeReadyAt = 0n;
    }
  }
  let totalStaked = 0n;
  let principal = 0n;
  for (const p of positions.values()) {
    totalStaked += p.staked;
    principal += p.staked + p.unstaking;
  }
  return { totalStaked, principal, notified: BigInt(notified.total ?? "0"), positions };
}
