import { useState } from "preact/hooks";
import type { DailyLimitsPage, DataQuality, DatanetDetail, HarmfulPage } from "../../../server/types";
import { DailyChart } from "../DailyChart";
import { Harmful } from "../Harmful";
import { Limits } from "../Limits";
import { VerifyDigest, wallet } from "../VerifyDigest";
import type { EventSource } from "../VerifyDigest";
import { Show, Stat } from "../components";
import { day, duration, open, percent, short } from "../format";
import { useApi } from "../useApi";

/** A Datanet: its terms, validators and versions, and how good its data is by its reviews. */
export function Datanet({ id }: { id: string }) {
  const detail = useApi<DatanetDetail>(`/api/datanets/${id}`);
  const quality = useApi<DataQuality>(`/api/datanets/${id}/quality`);
  const limits = useApi<DailyLimitsPage>(`/api/datanets/${id}/limits`);
  const harmful = useApi<HarmfulPage>(`/api/datanets/${id}/harmful`);
  return (
    <section>
      <h1>Datanet #{id}</h1>
      <p>
        <a href={`#/datanets/${id}/leaderboard`}>Leaderboard of its contributors</a>
      </p>
      <Show state={quality} render={(q) => <Quality quality={q} />} />
      <Show state={harmful} render={(h) => <Harmful first={h} />} />
      <Show state={limits} render={(l) => <Limits first={l} />} />
      <Show state={detail} render={(d) => <Detail detail={d} />} />
    </section>
  );
}

function Quality({ quality: q }: { quality: DataQuality }) {
  const decided = q.statuses.Accepted + q.statuses.Rejected;
  return (
    <section aria-labelledby="quality">
      <h2 id="quality">Data quality</h2>
      <div class="stats">
        <Stat label="accepted" value={q.statuses.Accepted} testId="accepted" />
        <Stat label="rejected" value={q.statuses.Rejected} testId="rejected" />
        <Stat label="expired without a decision" value={q.statuses.Expired} testId="expired" />
        <Stat label="pending review" value={q.statuses.Pending} testId="pending" />
        <Stat label="acceptance rate" value={percent(decided === 0 ? null : q.statuses.Accepted / decided)} />
        <Stat label="median review time" value={duration(q.latency.median)} testId="latency-median" />
        <Stat label="90th percentile review time" value={duration(q.latency.p90)} />
        <Stat
          label="validators' agreement beyond chance (Fleiss' kappa)"
          value={q.kappa.kappa === null ? "–" : q.kappa.kappa.toFixed(3)}
          testId="kappa"
        />
      </div>
      <h3>Outcomes per day</h3>
      <DailyChart daily={q.daily} />
      <table data-testid="daily">
        <caption>Outcomes by the day they were reached (UTC)</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Accepted</th>
            <th scope="col">Rejected</th>
            <th scope="col">Expired</th>
          </tr>
        </thead>
        <tbody>
          {q.daily.map((d) => (
            <tr key={d.day}>
              <td>{day(d.day)}</td>
              <td>{d.accepted}</td>
              <td>{d.rejected}</td>
              <td>{d.expired}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Validators</h3>
      <p class="note">
        Agreement is how often a validator's vote matched the contribution's final outcome. Fleiss' kappa compares the
        validators' agreement with what chance alone would give: 1 is perfect agreement, 0 no better than chance. It
        counts the {q.kappa.items} decided contributions with at least two votes.
      </p>
      <table data-testid="validators">
        <thead>
          <tr>
            <th scope="col">Validator</th>
            <th scope="col">Votes</th>
            <th scope="col">Accepts</th>
            <th scope="col">On decided contributions</th>
            <th scope="col">Agreed with the outcome</th>
          </tr>
        </thead>
        <tbody>
          {q.validators.map((v) => (
            <tr key={v.validator}>
              <td title={v.validator}>{short(v.validator)}</td>
              <td>{v.votes}</td>
              <td>{v.accepts}</td>
              <td>{v.decided}</td>
              <td>{percent(v.agreement)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Detail({ detail: d }: { detail: DatanetDetail }) {
  const [source, setSource] = useState<EventSource>("index");
  const canReadChain = wallet() !== undefined && d.registry !== null;
  return (
    <section aria-labelledby="terms">
      <h2 id="terms">Terms and versions</h2>
      <p>
        {d.uri}, owned by <span title={d.owner}>{short(d.owner)}</span>
      </p>
      <table data-testid="terms">
        <caption>Terms, each from the block it took effect</caption>
        <thead>
          <tr>
            <th scope="col">Terms</th>
            <th scope="col">Block</th>
            <th scope="col">Bond</th>
            <th scope="col">Quorum</th>
            <th scope="col">Review window</th>
            <th scope="col">Validators</th>
          </tr>
        </thead>
        <tbody>
          {d.terms.map((t) => (
            <tr key={t.termsVersion}>
              <td>{t.termsVersion}</td>
              <td>{t.block}</td>
              <td>{open(t.bond)}</td>
              <td>{t.quorum}</td>
              <td>{duration(t.reviewWindow)}</td>
              <td>{t.validators.map(short).join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">
        A version's digest folds its accepted contributions in the order they were accepted:{" "}
        <code>keccak256(abi.encode(previous, contributionId, contentHash))</code> from zero. "Verify from events"
        recomputes it in this browser and compares it with the digest the version published.{" "}
        {canReadChain ? (
          <label>
            Events from{" "}
            <select value={source} onChange={(e) => setSource(e.currentTarget.value as EventSource)}>
              <option value="index">this app's index</option>
              <option value="chain">the chain's logs, through your wallet</option>
            </select>
          </label>
        ) : (
          "The events come from this app's index (no wallet in this browser to read the chain's logs through)."
        )}
      </p>
      <table data-testid="versions">
        <caption>Published versions; the digest is checked against the accepted contributions' events</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Contributions</th>
            <th scope="col">Digest</th>
            <th scope="col">Digest check</th>
            <th scope="col">Recomputed in this browser</th>
          </tr>
        </thead>
        <tbody>
          {d.versions.map((v) => (
            <tr key={v.version}>
              <td>{v.version}</td>
              <td>{v.count}</td>
              <td>
                <code>{v.digest}</code>
              </td>
              <td>{v.digestMatches ? "✓ matches the events" : "✗ differs from the events"}</td>
              <td>
                <VerifyDigest detail={d} version={v} source={source} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
