import { useState } from "preact/hooks";

type Claiming = typeof import("./claiming");

/** The wallet and the SDK load only when someone connects: the pages that only read stay small. */
export const claiming = (): Promise<Claiming> => import("./claiming");

/** Failures are described by the SDK's messages, which load with it; one that stops the load is shown as it is. */
async function describe(error: unknown): Promise<string> {
  try {
    return (await claiming()).describeError(error);
  } catch {
    return String((error as Error)?.message ?? error);
  }
}

/**
 * One wallet action at a time: `run` disables the buttons (`busy`) while it goes, `status` says where it is, and a
 * failure becomes `error`, one line (the SDK's decoded revert, a rejection in the wallet).
 */
export function useWalletAction() {
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setStatus(undefined);
      setError(await describe(failure));
    } finally {
      setBusy(false);
    }
  }
  return { busy, status, setStatus, error, run };
}

/** The action's progress (a live status) and its failure (an alert), each under its own test id. */
export function ActionStatus({ status, error, testId }: { status?: string; error?: string; testId: string }) {
  return (
    <>
      {status && (
        <p role="status" data-testid={`${testId}-progress`}>
          {status}
        </p>
      )}
      {error && (
        <p role="alert" class="error" data-testid={`${testId}-error`}>
          {error}
        </p>
      )}
    </>
  );
}
