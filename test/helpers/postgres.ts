import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { freePort } from "./hardhatNode";

const POSTGRES_ROOT = "/usr/lib/postgresql";

/** A PostgreSQL server this process started in a temporary folder, trusting local connections. */
export interface PostgresServer {
  /** Creates a new empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and deletes its folder. */
  stop(): void;
}

/**
 * The newest PostgreSQL server's binaries (`/usr/lib/postgresql/<version>/bin`, Debian's layout, not on PATH).
 * Throws, saying what to install, when there are none: a test that needs the server fails rather than skips.
 */
export function postgresBinaries(): string {
  const versions = existsSync(POSTGRES_ROOT)
    ? readdirSync(POSTGRES_ROOT)
        .filter((v) => existsSync(join(POSTGRES_ROOT, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `No PostgreSQL server binaries (${POSTGRES_ROOT}/*/bin/initdb): install the \`postgresql\` package ` +
        "(apt-get install -y postgresql), as .ci/run does.",
    );
  }
  return join(POSTGRES_ROOT, versions[0], "bin");
}

/**
 * Starts a throw-away PostgreSQL server: `initdb` into a temporary folder, `pg_ctl start` on a free loopback port
 * with its socket in that folder, fsync off. initdb refuses to run as root, so as root the folder goes to the
 * `postgres` user and the server runs as it.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinaries();
  const dir = mkdtempSync(join(tmpdir(), "oa-postgres-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, id("-u"), id("-g"));
  }
  const run = (command: string, args: string[]) => {
    const argv = asRoot
      ? ["runuser", "-u", "postgres", "--", join(bin, command), ...args]
      : [join(bin, command), ...args];
    const result = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
    if (result.status !== 0) {
      throw new Error(`${command} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
    }
  };
  const data = join(dir, "data");
  const port = await freePort();
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  run("pg_ctl", [
    "-D",
    data,
    "-o",
    `-p ${port} -k ${dir} -h 127.0.0.1 -F`,
    "-l",
    join(dir, "server.log"),
    "-w",
    "start",
  ]);
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    async createDatabase(name) {
      const client = new Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        await client.query(`create database "${name}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    stop() {
      run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
