import type { ModelVersionView } from "../../server/types";
import { shortId } from "./format";

const ROW = 56;
const BOX = 40;
const WIDTH = 720;
/** Columns: base model, adapter, Datanet versions (x and width). */
const BASE = { x: 4, w: 250 };
const ADAPTER = { x: 290, w: 200 };
const DATA = { x: 530, w: 186 };

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * A model version's provenance drawn left to right: its base model, the adapter trained on it (kind and short hash),
 * and each Datanet version it was trained on, linked to the Datanet's page. The list under the drawing says the same
 * in words, for screen readers and for anyone who cannot see it.
 */
export function Provenance({ version: v }: { version: ModelVersionView }) {
  const rows = Math.max(1, v.trainedOn.length);
  const height = rows * ROW;
  const middle = height / 2;
  const marker = `arrow-${v.version}`;
  const adapter = `${v.adapterKindName} adapter ${shortId(v.adapterHash)}`;
  const arrow = (x1: number, y1: number, x2: number, y2: number) => (
    <line x1={x1} y1={y1} x2={x2} y2={y2} stroke="#57606a" stroke-width="1.5" marker-end={`url(#${marker})`} />
  );
  const box = (x: number, y: number, w: number, fill: string) => (
    <rect x={x} y={y - BOX / 2} width={w} height={BOX} rx="6" fill={fill} stroke="#57606a" />
  );
  return (
    <figure data-testid={`provenance-${v.version}`}>
      <figcaption>Version {v.version}</figcaption>
      <svg
        class="provenance"
        viewBox={`0 0 ${WIDTH} ${height}`}
        width="100%"
        style={{ maxWidth: `${WIDTH}px` }}
        role="group"
        aria-label={`Provenance of version ${v.version}`}
      >
        <defs>
          <marker id={marker} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="#57606a" />
          </marker>
        </defs>
        {box(BASE.x, middle, BASE.w, "#f6f8fa")}
        <text x={BASE.x + 10} y={middle + 4}>
          {clip(v.baseModel, 36)}
        </text>
        {arrow(BASE.x + BASE.w, middle, ADAPTER.x - 2, middle)}
        {box(ADAPTER.x, middle, ADAPTER.w, "#ddf4ff")}
        <text x={ADAPTER.x + 10} y={middle + 4}>
          {adapter}
        </text>
        {v.trainedOn.map((t, i) => {
          const y = i * ROW + ROW / 2;
          return (
            <g key={`${t.datanetId}-${t.datanetVersion}`}>
              {arrow(ADAPTER.x + ADAPTER.w, middle, DATA.x - 2, y)}
              {box(DATA.x, y, DATA.w, "#fff8c5")}
              <a href={`#/datanets/${t.datanetId}`}>
                <text x={DATA.x + 10} y={y + 4}>
                  Datanet #{t.datanetId} version {t.datanetVersion}
                </text>
              </a>
            </g>
          );
        })}
      </svg>
      <ul class="note" data-testid={`provenance-text-${v.version}`}>
        <li>Base model: {v.baseModel}</li>
        <li>
          {v.adapterKindName} adapter <code>{v.adapterHash}</code>, training configuration{" "}
          <code>{v.trainingConfigHash}</code>
        </li>
        <li>
          Trained on:{" "}
          {v.trainedOn.map((t, i) => (
            <span key={`${t.datanetId}-${t.datanetVersion}`}>
              {i > 0 && ", "}
              <a href={`#/datanets/${t.datanetId}`}>
                Datanet #{t.datanetId} version {t.datanetVersion}
              </a>
            </span>
          ))}
        </li>
      </ul>
    </figure>
  );
}
