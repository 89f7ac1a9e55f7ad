import type { ModelSummary } from "../../../server/types";
import { Show, useSearchedList } from "../components";
import { open, short } from "../format";

/** Every model, searchable by URI or owner, with its price and what settled for it. */
export function Models() {
  const { state, searchBox } = useSearchedList<ModelSummary>("/api/models");
  return (
    <section>
      <h1>Models</h1>
      {searchBox}
      <Show
        state={state}
        render={(page) => (
          <table data-testid="models">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">URI</th>
                <th scope="col">Owner</th>
                <th scope="col">Version</th>
                <th scope="col">Price per call</th>
                <th scope="col">Settled calls</th>
                <th scope="col">Fees</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((m) => (
                <tr key={m.modelId}>
                  <td>
                    <a href={`#/models/${m.modelId}`}>#{m.modelId}</a>
                  </td>
                  <td>{m.uri}</td>
                  <td title={m.owner}>{short(m.owner)}</td>
                  <td>{m.latestVersion}</td>
                  <td>{open(m.price)}</td>
                  <td>{BigInt(m.calls).toLocaleString("en-US")}</td>
                  <td>{open(m.fees)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      />
    </section>
  );
}
