import { useState } from "preact/hooks";
import type { RecordDetail, RecordsPage, TextRange } from "../../../server/types";
import { Show } from "../components";
import { percent, shortId } from "../format";
import { useApi } from "../useApi";

/** The explorer's route of a record (a settlement id, `<tx hash>:<log index>`, needs no escaping). */
export const recordPath = (epoch: string | number, settlement: string, record: string) =>
  `/epochs/${epoch}/records/${settlement}/${encodeURIComponent(record)}`;

/** The inference explorer: an epoch's records, or those found by record id, output hash or contribution id. */
export function Records({ epoch }: { epoch: string }) {
  const [q, setQ] = useState("");
  const [cursor, setCursor] = useState<string | null>(null);
  const state = useApi<RecordsPage>(
    `/api/epochs/${epoch}/records?limit=50${q ? `&q=${encodeURIComponent(q)}` : ""}${cursor ? `&cursor=${cursor}` : ""}`,
  );
  return (
    <section>
      <h1>Epoch {epoch}: inference records</h1>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setCursor(null);
          setQ(String(new FormData(e.currentTarget).get("q") ?? "").trim());
        }}
      >
        <label>
          Find a record by its id, its output hash or a credited contribution's id <input type="search" name="q" />
        </label>{" "}
        <button type="submit">Find</button>
      </form>
      <Show
        state={state}
        render={(page) => (
          <>
            <table data-testid="records">
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Settlement</th>
                  <th scope="col">Calls</th>
                  <th scope="col">Credited contributions (weight)</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((r) => (
                  <tr key={`${r.settlementId}/${r.recordId}`}>
                    <td>
                      <a href={`#${recordPath(page.epoch, r.settlementId, r.recordId)}`}>{r.recordId}</a>
                    </td>
                    <td title={r.settlementId}>{shortId(r.settlementId)}</td>
                    <td>{r.calls}</td>
                    <td>
                      {r.credits.length === 0
                        ? "none: paid by the unmatched rule"
                        : r.credits.map((c) => `#${shortId(c.contributionId)} (${percent(c.weight)})`).join(", ")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {page.items.length === 0 && <p>No record matches.</p>}
            {page.next && (
              <button type="button" onClick={() => setCursor(page.next)}>
                Next records
              </button>
            )}
          </>
        )}
      />
    </section>
  );
}

/** `text` with `ranges` (merged where they overlap) in `<mark>`. */
function Marked({ text, ranges }: { text: string; ranges: TextRange[] }) {
  const merged: TextRange[] = [];
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  const parts = [];
  let at = 0;
  for (const r of merged) {
    parts.push(text.slice(at, r.start), <mark key={r.start}>{text.slice(r.start, r.end)}</mark>);
    at = r.end;
  }
  parts.push(text.slice(at));
  return <p class="passage">{parts}</p>;
}

const spans = (n: number) => `${n} matched span${n === 1 ? "" : "s"}`;

/** One record: its output and each credited contribution's text side by side, the credited spans marked. */
export function Record({ epoch, settlement, record }: { epoch: string; settlement: string; record: string }) {
  const state = useApi<RecordDetail>(`/api/epochs/${epoch}/records/${settlement}/${encodeURIComponent(record)}`);
  return (
    <section>
      <h1>Record {record}</h1>
      <p>
        <a href={`#/epochs/${epoch}/records`}>Back to the records of epoch {epoch}</a>
      </p>
      <Show
        state={state}
        render={(r) => (
          <>
            <p>
              Settlement <span title={r.settlementId}>{shortId(r.settlementId)}</span>, model #{r.modelId}, {r.calls}{" "}
              call{r.calls === "1" ? "" : "s"}, output hash <code title={r.outputHash}>{shortId(r.outputHash)}</code>.
            </p>
            {r.output.kind === "label" ? (
              <p data-testid="label-output">
                A classifier's answer: label {r.output.label} for features [{r.output.features.join(", ")}].
              </p>
            ) : (
              <p data-testid="output-text">{r.output.text}</p>
            )}
            {r.contributions.length === 0 && (
              <p>It matched no contribution: its calls were paid by the unmatched rule.</p>
            )}
            {r.contributions.map((c) => (
              <article class="credit" key={c.contributionId} data-testid="credit">
                <h2>
                  Contribution #{shortId(c.contributionId)}: weight {percent(c.weight)}
                  {r.output.kind === "text" && <span data-testid="span-count">, {spans(c.spans.length)}</span>}
                </h2>
                <p class="note">
                  {c.datanetId !== null && <a href={`#/datanets/${c.datanetId}`}>Datanet #{c.datanetId}</a>}
                  {c.contributor !== null && (
                    <>
                      {" "}
                      by <a href={`#/contributors/${c.contributor}`}>{c.contributor}</a>
                    </>
                  )}
                </p>
                {r.output.kind === "text" && c.text !== null && (
                  <div class="side-by-side">
                    <div>
                      <h3>Output</h3>
                      <Marked text={r.output.text} ranges={c.spans.map((s) => s.output)} />
                    </div>
                    <div>
                      <h3>Contribution</h3>
                      <Marked text={c.text} ranges={c.spans.flatMap((s) => s.contribution)} />
                    </div>
                  </div>
                )}
              </article>
            ))}
          </>
        )}
      />
    </section>
  );
}
