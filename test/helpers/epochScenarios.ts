import { denseOf, hashedFeatures, trainLogistic, validationSetHash } from "../../sdk/src";
import type { EpochInput, LogisticInfluenceScorer } from "../../sdk/src";
import { loadEmails } from "./corpus";
import { address, indexedContributions, settlementOfRecords, versionOf } from "./epochReference";
import { seededRandom, shuffled } from "./random";

/*
 * A spam classifier (logistic regression on 256 hashed-word buckets) trained on 300 labelled mails of one Datanet,
 * 30 of whose spam mallory relabelled ham; its validation set (200 other mails) fixed at registration by hash; 60
 * mails classified in two settlements.
 */
const DIMENSION = 256;
export const L2 = 1;
const features = (text: string) => denseOf(hashedFeatures(text, { dimension: DIMENSION }), DIMENSION);

/** `idOf` names the training contributions (default `c<i>`; an index's ids are decimal). */
export function mislabelledSpamScenario(idOf: (i: number) => string = (i) => `c${i}`) {
  const random = seededRandom(31_337);
  const mails = shuffled(loadEmails(), random).slice(0, 560);
  const training = mails.slice(0, 300);
  const validation = mails.slice(300, 500);
  const queries = mails.slice(500);
  const honest = [address("a1"), address("b2"), address("c3")];
  const MALLORY = address("e5");
  const flipped = new Set<string>();
  const drafts = training.map((m, i) => {
    const relabel = m.spam && flipped.size < 30 && random() < 0.5;
    if (relabel) flipped.add(idOf(i));
    return {
      id: idOf(i),
      datanetId: 1n,
      contributor: relabel ? MALLORY : honest[i % 3],
      text: m.text,
      label: m.spam && !relabel ? 1 : 0,
    };
  });
  const contributions = indexedContributions(drafts).map((c, i) => ({
    ...c,
    features: features(c.text),
    label: drafts[i].label,
  }));
  const set = { features: validation.map((m) => features(m.text)), labels: validation.map((m) => (m.spam ? 1 : 0)) };
  const scorer: LogisticInfluenceScorer = {
    kind: "logistic-influence",
    l2: L2,
    validation: set,
    validationHash: validationSetHash(set),
  };
  // The gateway's answers: the model trained on the version, predicting each query.
  const model = trainLogistic(
    contributions.map((c) => c.features),
    contributions.map((c) => c.label as 0 | 1),
    { l2: L2 },
  );
  const predict = (x: number[]) => (x.reduce((z, v, j) => z + v * model.weights[j], model.bias) > 0 ? 1 : 0);
  const settlements = [0, 1].map((s) =>
    settlementOfRecords(
      `s${s}`,
      BigInt(1_000_000 * (s + 1)),
      queries.slice(s * 30, s * 30 + 30).map((m, k) => {
        const x = features(m.text);
        return {
          id: `q${k}`,
          output: { kind: "label" as const, features: x, label: predict(x) },
          calls: BigInt(1 + (k % 3)),
        };
      }),
    ),
  );
  const input: EpochInput = {
    epoch: 1n,
    models: [
      {
        modelId: 1n,
        version: 1,
        trainedOn: [versionOf(1n, contributions)],
        scorer,
      },
    ],
    contributions,
    settlements,
  };
  return { input, flipped, MALLORY, scorer };
}
