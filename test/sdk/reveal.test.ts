import { expect } from "chai";
import { CommitmentStateError, LimitExceededError } from "../../sdk/src";
import { REVEAL_RETRY_MS, retryWhileTooRecent } from "../../sdk/src/clients/reveal";
import { rejection } from "../helpers/rejection";

const tooRecent = () =>
  new CommitmentStateError("DatanetCommitmentTooRecent", { commitment: "0x01", committedAt: 1n }, "too recent");

describe("retryWhileTooRecent", function () {
  it("retries a reveal refused as too recent, a second apart, until it goes through", async function () {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryWhileTooRecent(
      async () => {
        calls += 1;
        if (calls < 3) throw tooRecent();
        return "mined";
      },
      30,
      async (ms) => void waits.push(ms),
    );
    expect([result, calls, waits]).to.deep.equal(["mined", 3, [REVEAL_RETRY_MS, REVEAL_RETRY_MS]]);
  });

  it("throws any other error at once", async function () {
    let calls = 0;
    const limit = new LimitExceededError("DatanetFileTooLarge", {}, "too large");
    const error = await rejection(
      retryWhileTooRecent(async () => {
        calls += 1;
        throw limit;
      }, 30),
      LimitExceededError,
    );
    expect([error, calls]).to.deep.equal([limit, 1]);
  });

  it("gives up with the last error once its time is spent", async function () {
    let calls = 0;
    const error = await rejection(
      retryWhileTooRecent(
        async () => {
          calls += 1;
          throw tooRecent();
        },
        0,
        async () => undefined,
      ),
      CommitmentStateError,
    );
    expect([error.errorName, calls]).to.deep.equal(["DatanetCommitmentTooRecent", 1]);
  });
});
