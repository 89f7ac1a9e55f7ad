import { useEffect, useState } from "preact/hooks";
import type { ChainTime, EpochDetail, EpochsPage, EpochSummary } from "../../../server/types";
import { stackedBarSvg } from "../../../../sdk/src/report/svg";
import { Show, Stat } from "../components";
import { duration, open, short, shortId } from "../format";
import { useApi } from "../useApi";

/**
 * The chain's time now, estimated from the latest indexed block's time as the API gave it, moved on by the browser's
 * clock since: the countdown follows the chain, not a browser whose clock is off.
 */
function useChainNow(chain: ChainTime): number | null {
  const [received] = useState(() => Date.now() / 1000);
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() / 1000), 1000);
    return () => clearInterval(timer);
  }, []);
  return chain.timestamp === null ? null : Math.floor(chain.timestamp + (now - received));
}

/** The root's state, with the time left in its challenge window while it is pending. */
function RootState({ epoch, now }: { epoch: EpochSummary; now: number | null }) {
  if (epoch.state !== "pending" || epoch.validAt === null || now === null) return <>{epoch.state}</>;
  const left = epoch.validAt - now;
  return (
    <>
      pending:{" "}
      <span data-testid={`countdown-${epoch.epoch}`}>
        {left > 0 ? `${duration(left)} left to challenge` : "challenge window over, can be accepted"}
      </span>
    </>
  );
}

function ReportStatus({ epoch }: { epoch: EpochSummary }) {
  if (epoch.report === null) return <>no report yet</>;
  if (epoch.report.loaded) return <>loaded ({epoch.report.records.toLocaleString("en-US")} records)</>;
  return <span class="error">not loaded: {epoch.report.reason ?? "not read yet"}</span>;
}

/** Every epoch, newest first: fees paid in, the pool, its root's state and challenge countdown. */
export function Epochs() {
  const state = useApi<EpochsPage>("/api/epochs?limit=200");
  return (
    <section>
      <h1>Epochs</h1>
      <p class="note">
        Each epoch's settlements pay fees; their contributors' shares, with what the previous epoch carried over, make
        its pool, which the epoch's report attributes to contributions. A proposed root can be challenged until its
        window ends (counted on the chain's clock), then accepted.
      </p>
      <Show state={state} render={(page) => <EpochTable page={page} />} />
    </section>
  );
}

function EpochTable({ page }: { page: EpochsPage }) {
  const now = useChainNow(page.chain);
  return (
    <table data-testid="epochs">
      <thead>
        <tr>
          <th scope="col">Epoch</th>
          <th scope="col">Settlements</th>
          <th scope="col">Calls</th>
          <th scope="col">Fees</th>
          <th scope="col">Pool</th>
          <th scope="col">Paid</th>
          <th scope="col">Carried over</th>
          <th scope="col">Root</th>
          <th scope="col">Report</th>
        </tr>
      </thead>
      <tbody>
        {page.items.map((e) => (
          <tr key={e.epoch}>
            <td>{e.root === null ? e.epoch : <a href={`#/epochs/${e.epoch}`}>{e.epoch}</a>}</td>
            <td>{e.settlements}</td>
            <td>{e.calls}</td>
            <td>{open(e.fees)}</td>
            <td>{e.report?.loaded ? open(e.report.pool) : "–"}</td>
            <td>{e.report?.loaded ? open(e.report.paid) : "–"}</td>
            <td>{e.report?.loaded ? open(e.report.carriedOver) : "–"}</td>
            <td>
              <RootState epoch={e} now={now} />
            </td>
            <td>
              <ReportStatus epoch={e} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const inOpen = (wei: string) => Number(BigInt(wei) / 10n ** 12n) / 1e6;

/** One epoch: its report's summary, where the pool went, its settlements, Datanets and top accounts. */
export function Epoch({ epoch }: { epoch: string }) {
  const state = useApi<EpochDetail>(`/api/epochs/${epoch}`);
  return (
    <section>
      <h1>Epoch {epoch}</h1>
      <Show state={state} render={(detail) => <EpochReport detail={detail} />} />
    </section>
  );
}

function EpochReport({ detail }: { detail: EpochDetail }) {
  const now = useChainNow(detail.chain);
  const report = detail.report?.loaded ? detail.report : null;
  const parts = report
    ? [
        { label: "Paid to accounts", value: inOpen(report.paid), valueLabel: open(report.paid) },
        ...detail.carryOver.map((line) => ({
          label: `Carried over: ${line.kind}${line.settlement ? ` (${shortId(line.settlement)})` : ""}`,
          value: inOpen(line.amount),
          valueLabel: open(line.amount),
        })),
      ]
    : [];
  return (
    <>
      <div class="stats">
        <Stat label="fees paid in" value={open(detail.fees)} testId="epoch-fees" />
        <Stat label="pool" value={report ? open(report.pool) : "–"} testId="epoch-pool" />
        <Stat label="paid" value={report ? open(report.paid) : "–"} testId="epoch-paid" />
        <Stat label="carried over" value={report ? open(report.carriedOver) : "–"} testId="epoch-carried" />
        <Stat label="harmful contributions" value={detail.harmful} testId="epoch-harmful" />
      </div>
      <p>
        Root <code title={detail.root ?? ""}>{short(detail.root ?? "")}</code>:{" "}
        <span data-testid="epoch-state">
          <RootState epoch={detail} now={now} />
        </span>
        . Report: <ReportStatus epoch={detail} />.
      </p>
      {report && detail.income && (
        <>
          <p>
            <a href={`#/epochs/${detail.epoch}/records`}>
              Explore its {report.records.toLocaleString("en-US")} inference records
            </a>
          </p>
          <h2>Where the pool went</h2>
          <figure
            class="chart"
            // The chart is the SDK report's own SVG (escaped text, no script); the table below holds its numbers.
            dangerouslySetInnerHTML={{ __html: stackedBarSvg(parts, { title: "Where the pool went, in OPEN" }) }}
          />
          <table data-testid="pool">
            <caption>Income and where it went</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Amount</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>Income: settlements' pots</td>
                <td>{open(detail.income.settlements)}</td>
              </tr>
              <tr>
                <td>Income: carried over from the previous epoch</td>
                <td>{open(detail.income.previous)}</td>
              </tr>
              <tr>
                <td>Income: funding</td>
                <td>{open(detail.income.funding)}</td>
              </tr>
              {parts.map((p) => (
                <tr key={p.label}>
                  <td>{p.label}</td>
                  <td>{p.valueLabel}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table data-testid="report-settlements">
            <caption>Settlements</caption>
            <thead>
              <tr>
                <th scope="col">Settlement</th>
                <th scope="col">Model</th>
                <th scope="col">Calls</th>
                <th scope="col">Pot</th>
                <th scope="col">Paid</th>
                <th scope="col">Carried</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {detail.reportSettlements.map((s) => (
                <tr key={s.settlementId}>
                  <td title={s.settlementId}>{shortId(s.settlementId)}</td>
                  <td>#{s.modelId}</td>
                  <td>{s.calls}</td>
                  <td>{open(s.pot)}</td>
                  <td>{open(s.paid)}</td>
                  <td>{open(s.carried)}</td>
                  <td>{s.exclusion === null ? s.status : `excluded (${s.exclusion})`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table data-testid="report-datanets">
            <caption>Datanets</caption>
            <thead>
              <tr>
                <th scope="col">Datanet</th>
                <th scope="col">Earned</th>
              </tr>
            </thead>
            <tbody>
              {detail.datanets.map((d) => (
                <tr key={d.datanetId}>
                  <td>
                    <a href={`#/datanets/${d.datanetId}`}>#{d.datanetId}</a>
                  </td>
                  <td>{open(d.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table data-testid="report-accounts">
            <caption>
              Top accounts paid ({Math.min(detail.accounts, detail.topAccounts.length)} of {detail.accounts})
            </caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">This epoch</th>
                <th scope="col">Cumulative</th>
              </tr>
            </thead>
            <tbody>
              {detail.topAccounts.map((a) => (
                <tr key={a.account}>
                  <td>
                    <a href={`#/contributors/${a.account}`}>{a.account}</a>
                  </td>
                  <td>{open(a.amount)}</td>
                  <td>{open(a.cumulative)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
