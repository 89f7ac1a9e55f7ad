import type { DatanetSummary } from "../../../server/types";
import { Show, useSearchedList } from "../components";
import { short } from "../format";

/** Every Datanet, searchable by URI or owner, with its contributions' outcomes. */
export function Datanets() {
  const { state, searchBox } = useSearchedList<DatanetSummary>("/api/datanets");
  return (
    <section>
      <h1>Datanets</h1>
      {searchBox}
      <Show
        state={state}
        render={(page) => (
          <table data-testid="datanets">
            <thead>
              <tr>
                <th scope="col">Datanet</th>
                <th scope="col">URI</th>
                <th scope="col">Owner</th>
                <th scope="col">Contributions</th>
                <th scope="col">Accepted</th>
                <th scope="col">Rejected</th>
                <th scope="col">Expired</th>
                <th scope="col">Pending</th>
                <th scope="col">Version</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((d) => (
                <tr key={d.datanetId}>
                  <td>
                    <a href={`#/datanets/${d.datanetId}`}>#{d.datanetId}</a>
                  </td>
                  <td>{d.uri}</td>
                  <td title={d.owner}>{short(d.owner)}</td>
                  <td>{d.contributions}</td>
                  <td>{d.accepted}</td>
                  <td>{d.rejected}</td>
                  <td>{d.expired}</td>
                  <td>{d.pending}</td>
                  <td>{d.latestVersion}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      />
    </section>
  );
}
