import type { Migration, MigrationProvider } from "kysely";
import * as init from "./0001_init";

/**
 * The index's migrations in order, by name. A new schema version is a new file `NNNN_<what>.ts` added here: listed
 * rather than read from the folder, so that the bundled SDK carries them.
 */
export const INDEX_MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001_init": init,
};

export const indexMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...INDEX_MIGRATIONS }),
};
