import { useState } from "preact/hooks";
import type { DatanetSummary, Page } from "../../../server/types";
import { Show } from "../components";
import { short } from "../format";
import { useApi } from "../useApi";

/** Every Datanet, searchable by URI or owner, with its contributions' outcomes. */
export function Datanets() {
  const [search, setSearch] = useState("");
  const state = useApi<Page<DatanetSummary>>(
    `/api/datanets?limit=200${search ? `&search=${encodeURIComponent(search)}` : ""}`,
  );
  return (
    <section>
      <h1>Datanets</h1>
      <label>
        Search by URI or owner{" "}
        <input type="search" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
      </label>
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
