import type { ContributorPage, ContributorRewards, EpochReward } from "../../../server/types";
import { ClaimPanel } from "../ClaimPanel";
import { Show, Stat } from "../components";
import { open, percent, shortId } from "../format";
import { useApi } from "../useApi";
import { recordPath } from "./Explorer";

function EpochRewards({ reward }: { reward: EpochReward }) {
  return (
    <details>
      <summary>
        Epoch {reward.epoch}: {open(reward.amount)} for {reward.contributionsCredited} contribution(s)
      </summary>
      <table data-testid={`earned-${reward.epoch}`}>
        <caption>What earned it (the {reward.contributions.length} that earned most)</caption>
        <thead>
          <tr>
            <th scope="col">Contribution</th>
            <th scope="col">Datanet</th>
            <th scope="col">Earned</th>
            <th scope="col">Inferences that credited it (weight)</th>
          </tr>
        </thead>
        <tbody>
          {reward.contributions.map((c) => (
            <tr key={c.contributionId}>
              <td title={c.contributionId}>#{shortId(c.contributionId)}</td>
              <td>
                <a href={`#/datanets/${c.datanetId}`}>#{c.datanetId}</a>
              </td>
              <td>{open(c.amount)}</td>
              <td>
                {c.samples.length === 0
                  ? "spread over unmatched calls"
                  : c.samples.map((s, i) => (
                      <>
                        {i > 0 && ", "}
                        <a href={`#${recordPath(reward.epoch, s.settlementId, s.recordId)}`}>
                          {s.recordId} ({percent(s.weight)})
                        </a>
                      </>
                    ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Rewards({ address }: { address: string }) {
  const state = useApi<ContributorRewards>(`/api/contributors/${address}/rewards?limit=50`);
  return (
    <Show
      state={state}
      render={(rewards) => (
        <>
          <h2>Claim</h2>
          <ClaimPanel account={address.toLowerCase()} rewards={rewards} />
          <h2>Rewards per epoch</h2>
          {rewards.epochs.length === 0 ? (
            <p>No epoch report in the index pays this account yet.</p>
          ) : (
            <>
              <table data-testid="rewards">
                <thead>
                  <tr>
                    <th scope="col">Epoch</th>
                    <th scope="col">Root</th>
                    <th scope="col">Earned</th>
                    <th scope="col">Cumulative</th>
                    <th scope="col">Contributions credited</th>
                  </tr>
                </thead>
                <tbody>
                  {rewards.epochs.map((r) => (
                    <tr key={r.reportHash}>
                      <td>
                        <a href={`#/epochs/${r.epoch}`}>{r.epoch}</a>
                      </td>
                      <td>{r.state}</td>
                      <td>{open(r.amount)}</td>
                      <td>{open(r.cumulative)}</td>
                      <td>{r.contributionsCredited}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {rewards.epochs.map((r) => (
                <EpochRewards key={r.reportHash} reward={r} />
              ))}
            </>
          )}
        </>
      )}
    />
  );
}

/** One contributor: reputation, rewards and their claim, and every contribution with its status, votes and bond. */
export function Contributor({ address }: { address: string }) {
  const state = useApi<ContributorPage>(`/api/contributors/${address}?limit=200`);
  return (
    <section>
      <h1>Contributor {address}</h1>
      <Show
        state={state}
        render={(page) => (
          <>
            <div class="stats">
              <Stat label="accepted" value={page.totals.Accepted} testId="contributor-accepted" />
              <Stat label="rejected" value={page.totals.Rejected} testId="contributor-rejected" />
              <Stat label="expired" value={page.totals.Expired} />
              <Stat label="pending" value={page.totals.Pending} />
            </div>
            <h2>Reputation</h2>
            {page.reputation.length === 0 ? (
              <p>No reviewed contribution yet.</p>
            ) : (
              <table data-testid="reputation">
                <thead>
                  <tr>
                    <th scope="col">Datanet</th>
                    <th scope="col">Accepted</th>
                    <th scope="col">Rejected</th>
                    <th scope="col">Acceptance</th>
                    <th scope="col">Score (Wilson)</th>
                    <th scope="col">Rank</th>
                  </tr>
                </thead>
                <tbody>
                  {page.reputation.map((r) => (
                    <tr key={r.datanetId}>
                      <td>
                        <a href={`#/datanets/${r.datanetId}/leaderboard`}>#{r.datanetId}</a>
                      </td>
                      <td>{r.accepted}</td>
                      <td>{r.rejected}</td>
                      <td>{percent(r.acceptanceRate)}</td>
                      <td>{r.score.toFixed(3)}</td>
                      <td>
                        {r.rank} of {r.ranked}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <Rewards address={address} />
            <h2>Contributions</h2>
            <table data-testid="contributions">
              <thead>
                <tr>
                  <th scope="col">Contribution</th>
                  <th scope="col">Datanet</th>
                  <th scope="col">Status</th>
                  <th scope="col">Votes for / against</th>
                  <th scope="col">Size</th>
                  <th scope="col">Bond</th>
                  <th scope="col">Submitted</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((c) => (
                  <tr key={c.contributionId}>
                    <td title={c.contributionId}>#{shortId(c.contributionId)}</td>
                    <td>
                      <a href={`#/datanets/${c.datanetId}`}>#{c.datanetId}</a>
                    </td>
                    <td>{c.status}</td>
                    <td>
                      {c.votesFor} / {c.votesAgainst}
                    </td>
                    <td>{Number(c.size).toLocaleString("en-US")} bytes</td>
                    <td>{open(c.bond)}</td>
                    <td>
                      {c.submittedAt === null ? `block ${c.block}` : new Date(c.submittedAt * 1000).toISOString()}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      />
    </section>
  );
}
