import type { LeaderboardPage } from "../../../server/types";
import { Show } from "../components";
import { percent } from "../format";
import { useApi } from "../useApi";

/** A Datanet's contributors ranked by the Wilson lower bound of their acceptance rate, with the formula. */
export function Leaderboard({ id }: { id: string }) {
  const state = useApi<LeaderboardPage>(`/api/datanets/${id}/leaderboard?limit=200`);
  return (
    <section>
      <h1>Leaderboard of Datanet #{id}</h1>
      <p class="note">
        Contributors are ranked by the lower bound of the 95% Wilson score interval of their acceptance rate: for{" "}
        <var>a</var> accepted of <var>n</var> reviewed, <var>p</var> = <var>a</var>/<var>n</var> and <var>z</var> =
        1.96, the score is (<var>p</var> + <var>z</var>²/2<var>n</var> − <var>z</var>√(
        <var>p</var>(1−<var>p</var>)/<var>n</var> + <var>z</var>²/4<var>n</var>²)) / (1 + <var>z</var>²/
        <var>n</var>). A long record of acceptances outranks a short lucky one: 20 of 20 scores 0.839, 1 of 1 scores
        0.207.
      </p>
      <Show
        state={state}
        render={(board) => (
          <table data-testid="leaderboard">
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Contributor</th>
                <th scope="col">Accepted</th>
                <th scope="col">Rejected</th>
                <th scope="col">Acceptance</th>
                <th scope="col">Score</th>
              </tr>
            </thead>
            <tbody>
              {board.items.map((r) => (
                <tr key={r.account}>
                  <td>{r.rank}</td>
                  <td>
                    <a href={`#/contributors/${r.account}`}>{r.account}</a>
                  </td>
                  <td>{r.accepted}</td>
                  <td>{r.rejected}</td>
                  <td>{percent(r.acceptanceRate)}</td>
                  <td>{r.score.toFixed(3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      />
    </section>
  );
}
