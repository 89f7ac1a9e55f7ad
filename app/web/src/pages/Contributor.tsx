import type { ContributorPage } from "../../../server/types";
import { Show, Stat } from "../components";
import { open, shortId } from "../format";
import { useApi } from "../useApi";

/** One contributor's contributions with their status, votes and bond. */
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
