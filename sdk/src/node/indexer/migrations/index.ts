import type { Migration, MigrationProvider } from "kysely";
import * as init from "./0001_init";
import * as blockTimes from "./0002_block_times";
import * as qualityViews from "./0003_quality_views";
import * as epochReports from "./0004_epoch_reports";
import * as modelRollups from "./0005_model_rollups";
import * as acceptancePositions from "./0006_acceptance_positions";
import * as dailyUsage from "./0007_daily_usage";

/**
 * The index's migrations in order, by name. A new schema version is a new file `NNNN_<what>.ts` added here: listed
 * rather than read from the folder, so that the bundled SDK carries them.
 */
export const INDEX_MIGRATIONS: Readonly<Record<string, Migration>> = {
  "0001_init": init,
  "0002_block_times": blockTimes,
  "0003_quality_views": qualityViews,
  "0004_epoch_reports": epochReports,
  "0005_model_rollups": modelRollups,
  "0006_acceptance_positions": acceptancePositions,
  "0007_daily_usage": dailyUsage,
};

export const indexMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...INDEX_MIGRATIONS }),
};

/** The tables where the migrator records the migrations run and takes its lock. */
export const INDEX_MIGRATION_TABLES = {
  migrationTableName: "schema_migrations",
  migrationLockTableName: "schema_migrations_lock",
} as const;
