import type { HarmfulContribution, HarmfulPage } from "../../server/types";
import { More } from "./components";
import { shortId, short } from "./format";
import { useMore } from "./useMore";

/** The contributions of a Datanet the epoch reports' data values flagged harmful, with what that means. */
export function Harmful({ first }: { first: HarmfulPage }) {
  const { items, more, failure } = useMore<HarmfulContribution>(
    first,
    (cursor) => `/api/datanets/${first.datanetId}/harmful?cursor=${cursor}`,
  );
  return (
    <section aria-labelledby="harmful">
      <h2 id="harmful">Harmful contributions</h2>
      <p class="note">
        When a model is a classifier, each epoch's report measures the data value of every contribution it was trained
        on: the contribution's influence on the model's mean log-loss over a validation set fixed when the model was
        registered (positive helped the model, negative hurt it). A contribution whose value falls below the model's
        threshold, beyond the spread of the others, is flagged <strong>harmful</strong> (mislabelled or poisoned data,
        most often): it earns nothing from that model's calls in that epoch.{" "}
        <span data-testid="harmful-count">{first.flagged}</span> flags in the {first.reports} epoch reports the index
        holds.
      </p>
      {items.length === 0 ? (
        <p>No contribution of this Datanet has been flagged harmful.</p>
      ) : (
        <table data-testid="harmful-list">
          <caption>Contributions flagged harmful, newest epoch first</caption>
          <thead>
            <tr>
              <th scope="col">Contribution</th>
              <th scope="col">Contributor</th>
              <th scope="col">Epoch</th>
              <th scope="col">Model</th>
              <th scope="col">Data value</th>
              <th scope="col">Threshold</th>
            </tr>
          </thead>
          <tbody>
            {items.map((h) => (
              <tr key={`${h.reportHash}-${h.modelId}-${h.contributionId}`}>
                <td title={h.contributionId}>#{shortId(h.contributionId)}</td>
                <td>
                  <a href={`#/contributors/${h.contributor}`} title={h.contributor}>
                    {short(h.contributor)}
                  </a>
                </td>
                <td>{h.epoch}</td>
                <td>#{h.modelId}</td>
                <td>{h.value.toPrecision(3)}</td>
                <td>{h.threshold.toPrecision(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <More more={more} failure={failure} label="More" />
    </section>
  );
}
