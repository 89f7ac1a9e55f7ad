import type { DailyLimitsPage, DailyUsageView, LimitPeak } from "../../server/types";
import { More, Stat } from "./components";
import { bytes, day, percent, short } from "./format";
import { LimitsChart } from "./LimitsChart";
import { useMore } from "./useMore";

const peak = (p: LimitPeak | null) => (p === null ? "–" : `${percent(p.ofLimit)} on ${day(p.day)}`);

/** A Datanet's daily limits and how close each day came to them: the first page of days, and older ones on demand. */
export function Limits({ first }: { first: DailyLimitsPage }) {
  const {
    items: days,
    more,
    failure,
  } = useMore<DailyUsageView>(first, (cursor) => `/api/datanets/${first.datanetId}/limits?cursor=${cursor}`);
  const l = first.limits;
  return (
    <section aria-labelledby="limits">
      <h2 id="limits">Daily limits</h2>
      <div class="stats">
        <Stat label="files a contributor may submit a day" value={l.contributorDailyFiles} testId="limit-files" />
        <Stat label="bytes a contributor may submit a day" value={bytes(l.contributorDailyBytes)} />
        <Stat
          label={l.bonded ? "bytes a day before the bond surges (a priced budget)" : "bytes the Datanet takes a day"}
          value={bytes(l.datanetDailyBytes)}
        />
        <Stat label="busiest day, Datanet bytes" value={peak(first.peak.datanetBytes)} testId="peak-datanet-bytes" />
        <Stat label="busiest contributor's day, files" value={peak(first.peak.contributorFiles)} testId="peak-files" />
        <Stat label="busiest contributor's day, bytes" value={peak(first.peak.contributorBytes)} testId="peak-bytes" />
      </div>
      <p class="note">
        The registry's day is the UTC day of the submitting block's time. It charges every submission when it is made,
        whatever becomes of it later (accepted, rejected, expired or superseded). A contributor's files and bytes are
        hard limits: a submission past them is refused. The Datanet's bytes are{" "}
        {l.bonded
          ? "a budget priced by the bond: from five eighths of it the bond doubles with every further eighth, so a day can run past 100%."
          : "a hard limit too, as its terms post no bond."}{" "}
        Each day is measured against the limits of its latest terms (terms {l.termsVersion} are in force now).
      </p>
      <LimitsChart days={days} />
      <table data-testid="limits">
        <caption>Days with submissions, newest first (UTC)</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Terms</th>
            <th scope="col">Submissions</th>
            <th scope="col">Contributors</th>
            <th scope="col">Datanet bytes</th>
            <th scope="col">Of its limit</th>
            <th scope="col">Most files</th>
            <th scope="col">Of the limit</th>
            <th scope="col">Most bytes</th>
            <th scope="col">Of the limit</th>
          </tr>
        </thead>
        <tbody>
          {days.map((d) => (
            <tr key={d.day}>
              <td>{day(d.day)}</td>
              <td>{d.termsVersion}</td>
              <td>{d.submissions}</td>
              <td>{d.contributors}</td>
              <td>{bytes(d.datanetBytes)}</td>
              <td>{percent(d.datanetBytesOfLimit)}</td>
              <td title={d.busiestByFiles.account}>
                {d.busiestByFiles.files} by {short(d.busiestByFiles.account)}
              </td>
              <td>{percent(d.busiestByFiles.ofLimit)}</td>
              <td title={d.busiestByBytes.account}>
                {bytes(d.busiestByBytes.bytes)} by {short(d.busiestByBytes.account)}
              </td>
              <td>{percent(d.busiestByBytes.ofLimit)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <More more={more} failure={failure} label="Older days" />
    </section>
  );
}
