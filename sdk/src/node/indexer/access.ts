import type { Kysely } from "kysely";
import { IndexDatabaseError, InvalidInputError, ProtocolError } from "../../errors";
import type { IndexDatabase } from "./database";
import type { IndexSchema } from "./schema";

/* How the readers of the index take their database and answer its failures; not exported from the entry. */

/** Epochs are stored as int8: anything past it cannot be in the index. */
const MAX_EPOCH = 2n ** 63n - 1n;

/**
 * The kysely instance of `db`: an {@link IndexDatabase} or a kysely instance itself. Checked by shape rather than
 * `instanceof`, so that a kysely of another copy of the package passes.
 * @throws InvalidInputError for anything else.
 */
export function indexKysely(db: IndexDatabase | Kysely<IndexSchema>): Kysely<IndexSchema> {
  const isKysely = (value: unknown): value is Kysely<IndexSchema> =>
    typeof (value as Kysely<IndexSchema> | null)?.selectFrom === "function";
  if (isKysely(db)) return db;
  if (isKysely((db as IndexDatabase | null)?.db)) return (db as IndexDatabase).db;
  throw new InvalidInputError("The index database is neither an IndexDatabase nor a kysely instance.", {
    hint: "Pass what openIndexDatabase returns, or its db.",
  });
}

/** `epoch`, checked to be one the index can hold. @throws InvalidInputError otherwise. */
export function indexEpoch(epoch: bigint): bigint {
  if (typeof epoch !== "bigint" || epoch < 0n || epoch > MAX_EPOCH) {
    throw new InvalidInputError(`An epoch is a bigint from 0 to 2^63 - 1, not ${String(epoch)}.`);
  }
  return epoch;
}

/**
 * Runs `read`, answering a failure of the database itself (closed, unreachable, a query it refuses) as
 * IndexDatabaseError; the SDK's own errors pass as they are.
 */
export async function readIndex<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    const problem = error instanceof Error ? error.message : String(error);
    throw new IndexDatabaseError(`Could not read ${what} from the index database: ${problem.split("\n")[0]}`, {
      hint: "Check that the database is open (not closed) and migrated: open it with openIndexDatabase.",
      cause: error,
    });
  }
}
