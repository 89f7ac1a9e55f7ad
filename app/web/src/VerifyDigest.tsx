import { useState } from "preact/hooks";
import type { DatanetDetail, VersionView } from "../../server/types";
import type { DigestCheck, Eip1193 } from "./digestCheck";

/** Where the acceptances folded in the browser come from. */
export type EventSource = "index" | "chain";

/** The wallet the page may read the chain's logs through, if the browser has one. */
export const wallet = (): Eip1193 | undefined => (window as { ethereum?: Eip1193 }).ethereum;

type State =
  | { status: "idle" }
  | { status: "running"; folded: number }
  | { status: "done"; check: DigestCheck }
  | { status: "failed"; message: string };

/** A version's "Verify from events" button and what the fold in this browser gave. */
export function VerifyDigest({
  detail,
  version,
  source,
}: {
  detail: DatanetDetail;
  version: VersionView;
  source: EventSource;
}) {
  const [state, setState] = useState<State>({ status: "idle" });
  const run = async () => {
    setState({ status: "running", folded: 0 });
    const onProgress = (folded: number) => setState({ status: "running", folded });
    try {
      // The digest code (the SDK's fold, its WebAssembly keccak and ethers' ABI coder) loads on the first click only.
      const { checkFromChain, checkFromIndex } = await import("./digestCheck");
      const ethereum = wallet();
      const check =
        source === "chain" && ethereum && detail.registry
          ? await checkFromChain(ethereum, detail.registry, detail.datanetId, detail.createdBlock, version, onProgress)
          : await checkFromIndex(detail.datanetId, version, onProgress);
      setState({ status: "done", check });
    } catch (error) {
      setState({ status: "failed", message: (error as Error).message });
    }
  };
  return (
    <div class="verify">
      <button type="button" onClick={run} disabled={state.status === "running"}>
        Verify from events
      </button>{" "}
      <span aria-live="polite" data-testid={`verify-${version.version}`}>
        {state.status === "running" && (
          <>
            <progress value={state.folded} max={Math.max(version.count, 1)} aria-label="Acceptances folded" /> folded{" "}
            {state.folded} of {version.count}
          </>
        )}
        {state.status === "done" &&
          (state.check.matches ? (
            <span class="ok">✓ matches: {state.check.folded} acceptances folded</span>
          ) : (
            <span class="error" title={state.check.digest}>
              ✗ differs: {state.check.folded} of {version.count} acceptances folded to {state.check.digest.slice(0, 10)}
              …
            </span>
          ))}
        {state.status === "failed" && <span class="error">Could not verify: {state.message}</span>}
      </span>
    </div>
  );
}
