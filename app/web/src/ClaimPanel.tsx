import { useState } from "preact/hooks";
import type { ContributorRewards } from "../../server/types";
import { open } from "./format";
import { ActionStatus, claiming, useWalletAction } from "./walletAction";

type Session = import("./claiming").Session;

/** The contributor's claim: what the index says is claimable, then the chain's figures and the claim itself. */
export function ClaimPanel({ account, rewards }: { account: string; rewards: ContributorRewards }) {
  const [session, setSession] = useState<Session>();
  const { busy, status, setStatus: setProgress, error, run } = useWalletAction();
  const [batch, setBatch] = useState<{ done: number; total: number }>();
  const [others, setOthers] = useState("");

  const connect = () =>
    run(async () => {
      setProgress("Connecting to your wallet…");
      setSession(await (await claiming()).connect(account));
      setProgress(undefined);
    });

  const claim = () =>
    run(async () => {
      setProgress("Confirm the claim in your wallet…");
      const done = await (await claiming()).claim(session!, account);
      setSession(done.session);
      setProgress(`Claimed in block ${done.block} (transaction ${done.hash}).`);
    });

  const claimMany = () =>
    run(async () => {
      const accounts = [...new Set(others.split(/[\s,]+/).filter(Boolean))];
      setBatch({ done: 0, total: accounts.length });
      setProgress(`Claiming for ${accounts.length} accounts: confirm each batch in your wallet…`);
      const done = await (
        await claiming()
      ).claimMany(session!, account, accounts, (n, total) => setBatch({ done: n, total }));
      setSession(done.session);
      setProgress(`Claimed for ${accounts.length} accounts in ${done.transactions} transaction(s).`);
    });

  if (!rewards.claim) return <p>No reward root has been accepted yet: there is nothing to claim.</p>;
  const indexed = rewards.claim;
  return (
    <div class="claim">
      <p>
        Epoch {indexed.epoch}'s root gives this account <strong>{open(indexed.cumulative)}</strong> in all; the index
        has seen <span data-testid="indexed-claimed">{open(indexed.claimed)}</span> claimed, so{" "}
        <strong data-testid="indexed-claimable">{open(indexed.claimable)}</strong> is claimable now.
      </p>
      {!session ? (
        <button type="button" onClick={connect} disabled={busy}>
          Connect wallet
        </button>
      ) : (
        <>
          <p>
            On chain, for {account}: claimed <span data-testid="chain-claimed">{open(session.claimed)}</span>, claimable{" "}
            <span data-testid="chain-claimable">{open(session.claimable)}</span>, balance{" "}
            <span data-testid="chain-balance">{open(session.balance)}</span>. Your wallet: {session.wallet.account}.
          </p>
          <button type="button" onClick={claim} disabled={busy || session.claimable === 0n}>
            Claim {open(session.claimable)}
          </button>
          <details>
            <summary>Claim for several accounts</summary>
            <p class="note">
              Anyone may claim for others: the OPEN always goes to the account in the tree. One address per line.
            </p>
            <label>
              Accounts
              <textarea rows={4} cols={46} value={others} onInput={(e) => setOthers(e.currentTarget.value)} />
            </label>
            <button type="button" onClick={claimMany} disabled={busy}>
              Claim for these accounts
            </button>
            {batch && (
              <p>
                <progress value={batch.done} max={batch.total} aria-label="Accounts claimed" /> {batch.done} of{" "}
                {batch.total}
              </p>
            )}
          </details>
        </>
      )}
      <ActionStatus status={status} error={error} testId="claim" />
    </div>
  );
}
