import type { FeeSplitBps, ModelDetail, OfferingView, SettledTotals } from "../../../server/types";
import { RevenuePanel } from "../RevenuePanel";
import { Provenance } from "../Provenance";
import { SettledChart } from "../SettledChart";
import { Show, Stat } from "../components";
import { day, open, percent, short } from "../format";
import { useApi } from "../useApi";

/** A model: its provenance, price, what settled for it and how its fees were shared, and its offering if it has one. */
export function Model({ id }: { id: string }) {
  const detail = useApi<ModelDetail>(`/api/models/${id}`);
  return (
    <section>
      <h1>Model #{id}</h1>
      <Show state={detail} render={(m) => <Detail model={m} />} />
      <Offering id={id} />
    </section>
  );
}

const count = (value: string) => BigInt(value).toLocaleString("en-US");

function Detail({ model: m }: { model: ModelDetail }) {
  return (
    <>
      <p>
        {m.uri}, owned by <span title={m.owner}>{short(m.owner)}</span>; its part of each fee goes to{" "}
        <span title={m.revenueRecipient} data-testid="revenue-recipient">
          {short(m.revenueRecipient)}
        </span>
        .
      </p>
      <div class="stats">
        <Stat label="price per call" value={open(m.price)} testId="price" />
        <Stat label="settled calls" value={count(m.calls)} testId="calls" />
        <Stat label="fees paid" value={open(m.fees)} testId="fees" />
        <Stat label="versions" value={m.latestVersion} testId="versions" />
      </div>
      <section aria-labelledby="provenance">
        <h2 id="provenance">Provenance</h2>
        <p class="note">
          What each version was made from: the base model, the adapter trained on it, and the published Datanet versions
          it was trained on (each links to its Datanet).
        </p>
        {[...m.versions].reverse().map((v) => (
          <Provenance key={v.version} version={v} />
        ))}
      </section>
      <section aria-labelledby="prices">
        <h2 id="prices">Price history</h2>
        <table data-testid="prices">
          <thead>
            <tr>
              <th scope="col">From block</th>
              <th scope="col">Day</th>
              <th scope="col">Price per call</th>
            </tr>
          </thead>
          <tbody>
            {m.prices.map((p) => (
              <tr key={p.block}>
                <td>{p.block}</td>
                <td>{p.time === null ? "–" : day(p.time)}</td>
                <td>{open(p.price)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="settled">
        <h2 id="settled">Settled calls and fees</h2>
        <SettledChart daily={m.daily} />
        <SettledTable
          testId="settled-daily"
          caption="By the day they were settled (UTC)"
          period="Day"
          rows={m.daily.map((d) => ({ ...d, label: day(d.day) }))}
        />
        <SettledTable
          testId="settled-epochs"
          caption="By epoch"
          period="Epoch"
          rows={m.byEpoch.map((e) => ({ ...e, label: String(e.epoch) }))}
        />
      </section>
      <FeeSplit model={m} />
    </>
  );
}

/** Settled totals by period (a day, an epoch), the period's label first. */
function SettledTable(props: {
  testId: string;
  caption: string;
  period: string;
  rows: (SettledTotals & { label: string })[];
}) {
  return (
    <table data-testid={props.testId}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{props.period}</th>
          <th scope="col">Settlements</th>
          <th scope="col">Calls</th>
          <th scope="col">Fees</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.label}>
            <td>{r.label}</td>
            <td>{r.settlements}</td>
            <td>{count(r.calls)}</td>
            <td>{open(r.fees)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const PARTIES: { key: keyof ModelDetail["shares"]; bps: keyof FeeSplitBps; label: string; colour: string }[] = [
  { key: "treasury", bps: "treasuryBps", label: "Treasury", colour: "#6e7781" },
  { key: "model", bps: "modelBps", label: "Model", colour: "#0969da" },
  { key: "stakers", bps: "stakersBps", label: "Stakers", colour: "#bf8700" },
  { key: "contributors", bps: "contributorsBps", label: "Contributors", colour: "#1a7f37" },
];

/** How the model's fees were shared: a bar of the current split and each party's total. */
function FeeSplit({ model: m }: { model: ModelDetail }) {
  const split = m.split;
  return (
    <section aria-labelledby="split">
      <h2 id="split">Fee split</h2>
      {split ? (
        <>
          <p class="note">
            {split.source === "FeeSplitSet"
              ? "The settlement's split now, as its last FeeSplitSet event set it."
              : "The split the model's last settlement applied."}
          </p>
          <div class="split-bar" role="img" aria-label="The fee split, as in the table below">
            {PARTIES.map((p) => (
              <div key={p.key} style={{ width: `${split[p.bps] / 100}%`, background: p.colour }} />
            ))}
          </div>
        </>
      ) : (
        <p class="note">Nothing settled yet and no split in the index.</p>
      )}
      <table data-testid="split">
        <thead>
          <tr>
            <th scope="col">Party</th>
            <th scope="col">Split now</th>
            <th scope="col">Received from this model</th>
          </tr>
        </thead>
        <tbody>
          {PARTIES.map((p) => (
            <tr key={p.key}>
              <td>
                <span class="swatch" style={{ background: p.colour }} aria-hidden="true" /> {p.label}
              </td>
              <td>{split ? percent(split[p.bps] / 10_000) : "–"}</td>
              <td>{open(m.shares[p.key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** OPEN as a number, for a progress bar's scale only (amounts shown are formatted from the strings). */
const approx = (wei: string) => Number(BigInt(wei) / 10n ** 12n) / 1e6;

/** The model's Initial AI Offering, read from the chain; nothing but a line when it has none. */
function Offering({ id }: { id: string }) {
  const state = useApi<OfferingView>(`/api/models/${id}/offering`);
  if (state.status === "error" && state.code === 404) {
    return (
      <section aria-labelledby="offering">
        <h2 id="offering">Offering</h2>
        <p data-testid="no-offering">This model has no offering.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="offering">
      <h2 id="offering">Offering</h2>
      <Show
        state={state}
        render={(o) => (
          <>
            <p>
              {o.state === "Sale" ? "On sale" : o.state} (as of block {o.block}). Shares:{" "}
              <code title={o.shares}>{short(o.shares)}</code>, offering{" "}
              <code title={o.offering}>{short(o.offering)}</code>.
            </p>
            <label for="raised">
              Raised <span data-testid="offering-raised">{open(o.sale.raised)}</span> of a{" "}
              <span data-testid="offering-hard-cap">{open(o.sale.hardCap)}</span> hard cap (soft cap{" "}
              <span data-testid="offering-soft-cap">{open(o.sale.softCap)}</span>)
            </label>
            <progress id="raised" max={approx(o.sale.hardCap)} value={approx(o.sale.raised)} />
            <p>
              Sale {o.sale.opened === null ? "" : `from ${day(o.sale.opened)} `}until {day(o.sale.deadline)}. Net raise{" "}
              {open(o.netRaise)}, of which <span data-testid="offering-released">{open(o.released)}</span> released to
              the creator.
            </p>
            <div class="stats">
              <Stat label="holders' revenue received" value={open(o.revenue.received)} testId="offering-revenue" />
              <Stat label="claimed by holders" value={open(o.revenue.claimed)} />
            </div>
            {o.state === "Succeeded" && <RevenuePanel offering={o} />}
            <table data-testid="milestones">
              <caption>Milestones: each releases its tranche of the net raise once met</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Milestone</th>
                  <th scope="col">Progress</th>
                  <th scope="col">Deadline</th>
                  <th scope="col">Tranche</th>
                  <th scope="col">Released</th>
                </tr>
              </thead>
              <tbody>
                {o.milestones.map((m) => (
                  <tr key={m.index}>
                    <td>{m.index}</td>
                    <td>{target(m)}</td>
                    <td>{progress(m)}</td>
                    <td>{day(m.deadline)}</td>
                    <td>
                      {open(m.tranche)} ({percent(m.trancheBps / 10_000)})
                    </td>
                    <td>{m.released ? "released" : m.met ? "met, not released" : "not yet"}</td>
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

function target(m: OfferingView["milestones"][number]): string {
  if (m.kind === "SettledCalls") return `${count(m.threshold)} calls settled`;
  if (m.kind === "SettledFees") return `${open(m.threshold)} of fees settled`;
  return `a version trained on Datanet #${m.datanetId} version ${m.datanetVersion}`;
}

function progress(m: OfferingView["milestones"][number]): string {
  if (m.progress === null) return m.met ? "met" : "not met";
  return m.kind === "SettledCalls" ? `${count(m.progress)} calls` : open(m.progress);
}
