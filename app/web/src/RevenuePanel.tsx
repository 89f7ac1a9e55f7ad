import { useState } from "preact/hooks";
import type { OfferingView } from "../../server/types";
import { open, units } from "./format";
import { ActionStatus, claiming, useWalletAction } from "./walletAction";

type HolderSession = import("./claiming").HolderSession;

/**
 * A holder's revenue from a model's share token, through the wallet: its shares and the OPEN it can claim, read from
 * the chain, and the claim itself (the SDK's OfferingClient, which decodes a revert into one line).
 */
export function RevenuePanel({ offering }: { offering: OfferingView }) {
  const [holder, setHolder] = useState<HolderSession>();
  const { busy, status, setStatus, error, run } = useWalletAction();

  const connect = () =>
    run(async () => {
      setStatus("Connecting to your wallet…");
      setHolder(await (await claiming()).connectHolder(offering.factory, offering.shares));
      setStatus(undefined);
    });

  const claim = () =>
    run(async () => {
      setStatus("Confirm the claim in your wallet…");
      const done = await (await claiming()).claimRevenue(holder!);
      setHolder(done.holder);
      setStatus(`Claimed in block ${done.block}.`);
    });

  return (
    <div class="claim">
      <h3>Your revenue</h3>
      {!holder ? (
        <button type="button" onClick={connect} disabled={busy}>
          Connect wallet
        </button>
      ) : (
        <>
          <p>
            {holder.wallet.account} holds <span data-testid="holder-shares">{units(holder.balance)}</span> shares, can
            claim <span data-testid="holder-accrued">{open(holder.accrued)}</span> of revenue, and has{" "}
            <span data-testid="holder-open">{open(holder.open)}</span>.
          </p>
          <button type="button" onClick={claim} disabled={busy || holder.accrued === 0n}>
            Claim revenue
          </button>
        </>
      )}
      <ActionStatus status={status} error={error} testId="revenue" />
    </div>
  );
}
