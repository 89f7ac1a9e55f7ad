/*
 * What every operator command shares: one parser (node:util parseArgs, then a zod schema per command that turns the
 * strings into typed options), --help, exit codes 0 / 1 (failure) / 2 (bad usage), one-line errors (a stack trace
 * only with --verbose), a connection check with a timeout, checks that an address is the contract it should be, the
 * signer from PRIVATE_KEY, a keystore file or an unlocked node account, every transaction hash printed, and a
 * confirmation before sending with a raw private key.
 */
import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import {
  AbstractSigner,
  FetchRequest,
  JsonRpcProvider,
  MaxUint256,
  Network,
  Wallet,
  ZeroAddress,
  getAddress,
  id,
  isAddress,
  isError,
  parseUnits,
} from "ethers";
import type {
  JsonRpcApiProvider,
  Provider,
  Signer,
  TransactionRequest,
  TransactionResponse,
  TypedDataDomain,
  TypedDataField,
} from "ethers";
import * as z from "zod";
import { InvalidInputError, ProtocolError } from "../../sdk/src";
import { readDeployment } from "../../sdk/src/node";
import type { ProtocolDeploymentFile } from "../../sdk/src/node";

/** Bad usage (an option, a file, a key or an address that is wrong): exit code 2, nothing was sent. */
export class UsageError extends Error {}

/** A failure the message explains (a node that does not answer, a refused deployment file): exit code 1. */
export class CommandError extends Error {}

/** Exit codes of every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** One option of a command, as --help shows it. */
export interface OptionSpec {
  type: "string" | "boolean";
  /** What the value is, in --help: "<address>". */
  value?: string;
  description: string;
  /** One use of the option, shown in --help: "--top 20". */
  example: string;
  short?: string;
  multiple?: boolean;
  /** The environment variable read when the option is not given. */
  env?: string;
  default?: string;
}

/** The raw values parseArgs gives, environment and defaults filled in. */
export type RawValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** A command: its options, how they become typed, and what it does with them. */
export interface Command<T> {
  /** The npm script: `npm run <name> -- …`. */
  name: string;
  /** What it does, for --help. */
  summary: string;
  options: Record<string, OptionSpec>;
  /**
   * The arguments after the options, when the command takes any (`<file...>`): handed to the schema as `positionals`,
   * a list of strings.
   */
  positionals?: { value: string; description: string };
  /** Environment variables that are not options (keys), for --help. */
  environment?: Record<string, string>;
  /** Whole command lines, for --help. */
  examples: string[];
  /** Turns the raw values into the options `run` takes; an issue's message is the one-line usage error. */
  schema: z.ZodType<T>;
  /** Does the work; returns the exit code (0 when nothing is returned). */
  run(options: T, context: CommandContext): Promise<number | void>;
}

/** Options every command has. */
const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: "boolean", short: "h", description: "this text", example: "--help" },
  verbose: { type: "boolean", description: "on failure, also print the stack trace and details", example: "--verbose" },
};

/** Options of the commands that talk to a node. */
export const NODE_OPTIONS: Record<string, OptionSpec> = {
  rpc: {
    type: "string",
    value: "<url>",
    description: "JSON-RPC endpoint of the node",
    example: "--rpc http://127.0.0.1:8545",
    env: "RPC_URL",
    default: "http://127.0.0.1:8545",
  },
  timeout: {
    type: "string",
    value: "<seconds>",
    description: "how long to wait for the node to answer the connection check",
    example: "--timeout 5",
    default: "10",
  },
};

/** Options of the commands that sign, besides PRIVATE_KEY in the environment. */
export const SIGNER_OPTIONS: Record<string, OptionSpec> = {
  "account-index": {
    type: "string",
    value: "<n>",
    description: "sign with the node's unlocked account n (a development node)",
    example: "--account-index 0",
  },
  keystore: {
    type: "string",
    value: "<file>",
    description: "sign with an encrypted JSON keystore (password from KEYSTORE_PASSWORD, else asked)",
    example: "--keystore ~/.keys/deployer.json",
  },
  yes: {
    type: "boolean",
    description: "send with a raw private key without asking first",
    example: "--yes",
  },
};

/** The option `--deployment <file>`, the way to name the command's `contract` (a deployment's name) by file. */
export function deploymentOption(contract: string): OptionSpec {
  return {
    type: "string",
    value: "<file>",
    description: `a deployment file of npm run deploy, for the ${contract} contract's address`,
    example: "--deployment deployments/localhost.json",
    env: "DEPLOYMENT",
  };
}

/** `schema` refined to need the address option `option` or `--deployment`. */
export function addressOrDeployment<T extends { deployment?: string }>(schema: z.ZodType<T>, option: keyof T & string) {
  return schema.refine((o) => o[option] !== undefined || o.deployment !== undefined, {
    message: `missing --${option} <address> or --deployment <file> (see --help).`,
  });
}

/** The environment variables of {@link SIGNER_OPTIONS}. */
export const SIGNER_ENVIRONMENT = {
  PRIVATE_KEY: "sign with this raw private key (0x + 64 hex digits); asks before sending unless --yes",
  KEYSTORE_PASSWORD: "the password of --keystore",
};

/** The help text of `command`. */
export function helpText(command: Command<unknown>): string {
  const options = { ...command.options, ...COMMON_OPTIONS };
  // A subcommand's name is "<script> <subcommand>": `npm run epoch -- run [options]`.
  const [script, ...subcommand] = command.name.split(" ");
  const positionals = command.positionals ? [command.positionals.value] : [];
  const usage = `Usage: npm run ${script} -- ${[...subcommand, "[options]", ...positionals].join(" ")}`;
  const lines = [usage, "", command.summary, ""];
  if (command.positionals)
    lines.push("Arguments:", `  ${command.positionals.value.padEnd(28)} ${command.positionals.description}`, "");
  lines.push("Options:");
  for (const [name, spec] of Object.entries(options)) {
    const flag = `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.value ? ` ${spec.value}` : ""}`;
    const notes = [
      spec.env && `env ${spec.env}`,
      spec.default !== undefined && `default ${spec.default}`,
      spec.multiple && "repeatable",
    ].filter(Boolean);
    lines.push(`  ${flag.padEnd(28)} ${spec.description}${notes.length ? ` (${notes.join("; ")})` : ""}`);
    lines.push(`  ${"".padEnd(28)}   e.g. ${spec.example}`);
  }
  if (command.environment) {
    lines.push("", "Environment:");
    for (const [name, description] of Object.entries(command.environment)) {
      lines.push(`  ${name.padEnd(28)} ${description}`);
    }
  }
  lines.push("", "Examples:", ...command.examples.map((e) => `  ${e}`));
  lines.push("", "Exit codes: 0 done, 1 failed (the message says why), 2 bad usage (nothing was sent).");
  return lines.join("\n");
}

/**
 * node:util parseArgs, strict, its error a one-line {@link UsageError}: what the commands and the scripts that are
 * not a {@link Command} (seed, bench, the test runners) parse their command line with.
 */
export function parseStrict(
  argv: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
  allowPositionals = false,
): { values: RawValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, strict: true, allowPositionals, options });
    return { values: values as RawValues, positionals };
  } catch (error) {
    // Node's message goes on about positional arguments, which most commands do not take.
    throw new UsageError(`${(error as Error).message.split(". ")[0].replace(/\.$/, "")} (see --help).`);
  }
}

/** Parses `argv` with the command's options; environment variables and defaults fill what is not given. */
function parseRaw(command: Command<unknown>, argv: string[]): RawValues {
  const options = { ...command.options, ...COMMON_OPTIONS };
  const { values, positionals } = parseStrict(
    argv,
    Object.fromEntries(
      Object.entries(options).map(([name, spec]) => [
        name,
        { type: spec.type, ...(spec.short && { short: spec.short }), ...(spec.multiple && { multiple: true }) },
      ]),
    ),
    command.positionals !== undefined,
  );
  if (command.positionals) values.positionals = positionals;
  for (const [name, spec] of Object.entries(options)) {
    if (values[name] !== undefined) continue;
    const fromEnv = spec.env === undefined ? undefined : process.env[spec.env];
    values[name] = fromEnv !== undefined && fromEnv !== "" ? fromEnv : spec.default;
  }
  return values;
}

/** The one line a person reads for `error`. */
export function oneLine(error: unknown): string {
  if (error instanceof ProtocolError) return error.shortMessage;
  const short = (error as { shortMessage?: unknown }).shortMessage;
  if (typeof short === "string") return short;
  return String((error as Error)?.message ?? error).split("\n")[0];
}

/** The exit code for `error`: 2 for bad usage, 1 for any other failure. */
function exitCodeOf(error: unknown): number {
  return error instanceof UsageError || error instanceof InvalidInputError ? EXIT.usage : EXIT.failed;
}

/**
 * Runs `main` (a script that is not a {@link Command}: seed, bench, the test runners) with `argv` and returns its exit
 * code; an error it throws is one line on stderr after `name`, with the exit code of {@link runCli}.
 */
export async function runMain(
  name: string,
  main: (argv: string[]) => Promise<number>,
  argv: string[] = process.argv.slice(2),
): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    console.error(`${name}: ${oneLine(error)}`);
    if (argv.includes("--verbose")) console.error(error);
    return exitCodeOf(error);
  }
}

/** Runs `command` with `argv` and returns its exit code; prints errors as one line on stderr. */
export async function runCli<T>(command: Command<T>, argv: string[] = process.argv.slice(2)): Promise<number> {
  const context = new CommandContext(command.name);
  // Read before parsing, so that a parse error is shown in full too.
  context.verbose = argv.includes("--verbose");
  try {
    const raw = parseRaw(command as Command<unknown>, argv);
    if (raw.help) {
      console.log(helpText(command as Command<unknown>));
      return EXIT.ok;
    }
    const parsed = await command.schema.safeParseAsync(raw);
    if (!parsed.success) throw new UsageError(parsed.error.issues[0].message);
    return (await command.run(parsed.data, context)) ?? EXIT.ok;
  } catch (error) {
    console.error(`${command.name}: ${oneLine(error)}`);
    if (context.verbose) console.error(error);
    return exitCodeOf(error);
  } finally {
    context.close();
  }
}

/** Runs `command` when its module is the program and sets the exit code. */
export function exitWith<T>(command: Command<T>): void {
  void runCli(command).then((code) => {
    process.exitCode = code;
  });
}

/** A script of several commands, the first argument naming one: `npm run epoch -- run --network localhost`. */
export interface CommandGroup {
  /** The npm script. */
  name: string;
  summary: string;
  /** By the argument that names them; each command's name is `<group> <argument>`. */
  commands: Record<string, Command<never>>;
}

/** The help text of `group`: its commands, each with the first line of its summary. */
export function groupHelpText(group: CommandGroup): string {
  const names = Object.keys(group.commands);
  return [
    `Usage: npm run ${group.name} -- <${names.join(" | ")}> [options]`,
    "",
    group.summary,
    "",
    "Commands:",
    ...names.map((name) => `  ${name.padEnd(12)} ${group.commands[name].summary.split("\n")[0]}`),
    "",
    `npm run ${group.name} -- <command> --help for a command's options.`,
  ].join("\n");
}

/** Runs the command of `group` that `argv[0]` names with the rest of `argv`, and returns its exit code. */
export async function runGroup(group: CommandGroup, argv: string[] = process.argv.slice(2)): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h") {
    console.log(groupHelpText(group));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(group.commands, first) ? group.commands[first] : undefined;
  if (!command) {
    console.error(
      `${group.name}: unknown command "${first}": give one of ${Object.keys(group.commands).join(", ")} (see --help).`,
    );
    return EXIT.usage;
  }
  return runCli(command, rest);
}

/** Runs `group` when its module is the program and sets the exit code. */
export function exitWithGroup(group: CommandGroup): void {
  void runGroup(group).then((code) => {
    process.exitCode = code;
  });
}

/* OPTIONS: zod schemas that turn an option's string into what the command takes, with one-line messages. */

/** An option that must be given. */
const given = (name: string) => z.string({ error: `missing --${name} (see --help).` });

/** An option's string checked and converted by `convert`, which returns undefined when it is not `expected`. */
function converted<T>(name: string, expected: string, convert: (value: string) => T | undefined) {
  return given(name).transform((value, ctx) => {
    const result = convert(value);
    if (result === undefined) {
      ctx.addIssue({ code: "custom", message: `--${name} must be ${expected}, not "${value}".` });
      return z.NEVER;
    }
    return result;
  });
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const OPEN_AMOUNT = /^(0|[1-9][0-9]*)(\.[0-9]{1,18})?$/;

/**
 * A decimal amount of an 18-decimal token ("12.5") in wei, exactly; undefined unless it is one (no sign, no exponent)
 * that a uint256 holds: a larger one would be sent and refused by the chain, or wrap in an encoder.
 */
export function parseOpen(value: string): bigint | undefined {
  if (!OPEN_AMOUNT.test(value)) return undefined;
  const wei = parseUnits(value, 18);
  return wei <= MaxUint256 ? wei : undefined;
}

const isFolder = (path: string) =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );

/** Schemas of common option values; each names its option in its messages. */
export const opt = {
  string: given,
  /** An integer ≥ `min` (default 1) that fits a JavaScript number. */
  integer: (name: string, min = 1) =>
    converted(name, min === 1 ? "a positive integer" : `an integer of at least ${min}`, (v) =>
      DECIMAL.test(v) && Number.isSafeInteger(Number(v)) && Number(v) >= min ? Number(v) : undefined,
    ),
  /** A TCP port, 0 (any free one) to 65535. */
  port: (name: string) =>
    converted(name, "a port number from 0 to 65535", (v) =>
      /^[0-9]{1,5}$/.test(v) && Number(v) <= 65_535 ? Number(v) : undefined,
    ),
  /** A non-negative integer that a uint256 holds (seconds, ids, wei). */
  bigint: (name: string) =>
    converted(name, "a decimal integer of at most 2^256 - 1", (v) =>
      DECIMAL.test(v) && BigInt(v) <= MaxUint256 ? BigInt(v) : undefined,
    ),
  /** A positive amount of OPEN in decimal ("12.5", at most 18 decimals), returned in wei. */
  open: (name: string) =>
    converted(name, "a positive amount of OPEN (a decimal number, at most 18 decimals, below 2^256 wei)", (v) => {
      const wei = parseOpen(v);
      return wei !== undefined && wei > 0n ? wei : undefined;
    }),
  /**
   * An address, returned checksummed; the zero address is refused (no option means it, and a contract given it
   * reverts only after the transactions before it were sent), and so is mixed case with a wrong checksum.
   */
  address: (name: string) =>
    converted(name, "a nonzero address (0x + 40 hex digits, checksummed if mixed case)", (v) =>
      isAddress(v) && getAddress(v) !== ZeroAddress ? getAddress(v) : undefined,
    ),
  /** A file to read: a path or an absolute `file://` URL, returned as a path. */
  inputFile: (name: string) =>
    given(name).transform((value, ctx) => {
      if (!value.startsWith("file:")) return value;
      try {
        return fileURLToPath(value);
      } catch {
        ctx.addIssue({
          code: "custom",
          message: `--${name} "${value}" is not an absolute file:// URL (file:///path/to/file); give a plain path for a relative one.`,
        });
        return z.NEVER;
      }
    }),
  /** A file to write, whose folder must exist. */
  outputFile: (name: string) =>
    given(name).transform(async (value, ctx) => {
      const folder = dirname(resolve(value));
      if (!(await isFolder(folder))) {
        ctx.addIssue({ code: "custom", message: `--${name} "${value}": the folder ${folder} does not exist.` });
        return z.NEVER;
      }
      return value;
    }),
  /** A folder to read from, which must exist. */
  folder: (name: string) =>
    given(name).transform(async (value, ctx) => {
      if (!(await isFolder(value))) {
        ctx.addIssue({ code: "custom", message: `--${name} "${value}" is not a folder.` });
        return z.NEVER;
      }
      return value;
    }),
  /** An http(s) URL of a JSON-RPC node. */
  rpcUrl: (name: string) =>
    converted(name, "an http:// or https:// URL", (v) => {
      try {
        return ["http:", "https:"].includes(new URL(v).protocol) ? v : undefined;
      } catch {
        return undefined;
      }
    }),
  /** A flag. */
  flag: () =>
    z
      .boolean()
      .optional()
      .transform((v) => v === true),
};

/** The schema of {@link NODE_OPTIONS}. */
export const NODE_SCHEMA = { rpc: opt.rpcUrl("rpc"), timeout: opt.integer("timeout") };

/** The schema of {@link SIGNER_OPTIONS}. */
export const SIGNER_SCHEMA = {
  "account-index": opt.integer("account-index", 0).optional(),
  keystore: opt.inputFile("keystore").optional(),
  yes: opt.flag(),
};

/** The signer options' values and the raw key in the environment variable `variable`, as {@link CommandContext.signer} takes them. */
export function signerChoice(
  options: { "account-index"?: number; keystore?: string; yes: boolean },
  variable = "PRIVATE_KEY",
): SignerChoice {
  const key = process.env[variable];
  return {
    ...(key !== undefined && key !== "" && { privateKey: { value: key, variable } }),
    ...(options.keystore !== undefined && { keystore: options.keystore }),
    ...(options["account-index"] !== undefined && { accountIndex: options["account-index"] }),
    yes: options.yes,
  };
}

/* CONTEXT: the node, the signer and what the command printed. */

/** What a command is connected to. */
export interface Connection {
  provider: JsonRpcApiProvider;
  url: string;
  chainId: bigint;
}

/** How a command signs: at most one of a raw key (PRIVATE_KEY or the command's variable), a keystore, a node account. */
export interface SignerChoice {
  /** The raw key and the variable it came from. */
  privateKey?: { value: string; variable: string };
  keystore?: string;
  accountIndex?: number;
  /** Send with a raw key without asking. */
  yes: boolean;
}

/** Sends of one JSON-RPC request whose connection dropped before an answer, before the failure is the command's. */
const SEND_ATTEMPTS = 5;
/** The wait before the first resend, doubled before each next one. */
const RESEND_DELAY_MS = 200;

/**
 * `send` again, after a pause, while it fails before any answer came back (a dropped connection, a node that was
 * restarting) and `final()` does not say stop; an answer, even an error, is never asked for twice.
 */
async function resendingDropped<T>(send: () => Promise<T>, final: () => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= SEND_ATTEMPTS || final()) throw error;
      await new Promise((done) => setTimeout(done, RESEND_DELAY_MS * 2 ** (attempt - 1)));
    }
  }
}

/**
 * Whether a JSON-RPC request body may be sent again when its connection dropped: everything but
 * `eth_sendTransaction`, which a node that read it before the drop has sent, and would send twice (a signed
 * transaction sent again is the same transaction).
 */
function resendable(body: Uint8Array | null): boolean {
  if (body === null) return true;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(body)) as { method?: string } | { method?: string }[];
    return !(Array.isArray(parsed) ? parsed : [parsed]).some((call) => call.method === "eth_sendTransaction");
  } catch {
    return false;
  }
}

/** Per-run state of a command: verbosity, connections to close, and the console lines every command prints. */
export class CommandContext {
  verbose = false;
  private readonly providers: JsonRpcProvider[] = [];

  constructor(readonly name: string) {}

  /** A line about the run (chain, signer, transactions) on stdout; stderr is left to the error and progress bars. */
  info(line: string): void {
    console.log(line);
  }

  /**
   * Checks that `url` answers eth_chainId within `timeoutSeconds` and returns a provider fixed to that chain (no
   * network detection retried forever); a node that does not answer is a one-line error naming the URL.
   */
  async connect(url: string, timeoutSeconds: number): Promise<Connection> {
    let body: { result?: unknown; error?: { message?: string } };
    const deadline = AbortSignal.timeout(timeoutSeconds * 1000);
    try {
      body = await resendingDropped(
        async () => {
          const response = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
            signal: deadline,
          });
          return (await response.json()) as typeof body;
        },
        () => deadline.aborted,
      );
    } catch (error) {
      const reason =
        (error as Error).name === "TimeoutError"
          ? `no answer within ${timeoutSeconds} s`
          : String(((error as Error).cause as Error | undefined)?.message ?? (error as Error).message);
      throw new CommandError(`cannot reach a JSON-RPC node at ${url}: ${reason}.`);
    }
    // A lying or broken node may answer anything: only a hex quantity is a chain id (BigInt would throw on the rest).
    if (typeof body?.result !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(body.result)) {
      throw new CommandError(`${url} did not answer eth_chainId with a chain id: is it a JSON-RPC node?`);
    }
    const chainId = BigInt(body.result);
    const request = new FetchRequest(url);
    const send = FetchRequest.createGetUrlFunc();
    request.getUrlFunc = (req, signal) =>
      resendingDropped(
        () => send(req, signal),
        () => !!signal?.cancelled || !resendable(req.body),
      );
    const provider = new JsonRpcProvider(request, Network.from(chainId), { staticNetwork: true, cacheTimeout: -1 });
    this.providers.push(provider);
    this.info(`Chain ${chainId} at ${url}`);
    return { provider, url, chainId };
  }

  /**
   * The signer `choice` names, wrapped so that each transaction's hash is printed and, for a raw key, the first one
   * is confirmed (or refused without --yes when there is no terminal to ask). Throws {@link UsageError} for a key,
   * keystore or account index that is wrong, or for none or several given.
   */
  async signer(connection: Connection, choice: SignerChoice): Promise<Signer> {
    const given = [choice.privateKey, choice.keystore, choice.accountIndex].filter((c) => c !== undefined);
    if (given.length === 0) {
      throw new UsageError("no signer: set PRIVATE_KEY, or pass --keystore <file> or --account-index <n>.");
    }
    if (given.length > 1) {
      throw new UsageError("more than one signer: give only one of PRIVATE_KEY, --keystore and --account-index.");
    }
    const { provider } = connection;
    let inner: Signer;
    let confirm = false;
    if (choice.privateKey) {
      const { value, variable } = choice.privateKey;
      // The key itself is never printed.
      if (!/^(0x)?[0-9a-fA-F]{64}$/.test(value))
        throw new UsageError(`${variable} is not a private key (0x + 64 hex digits).`);
      try {
        inner = new Wallet(value.startsWith("0x") ? value : `0x${value}`, provider);
      } catch {
        throw new UsageError(`${variable} is not a valid private key (out of the curve's range).`);
      }
      confirm = !choice.yes;
    } else if (choice.keystore !== undefined) {
      inner = (await this.decryptKeystore(choice.keystore)).connect(provider);
    } else {
      const accounts = (await provider.send("eth_accounts", [])) as string[];
      const index = choice.accountIndex!;
      if (index >= accounts.length) {
        throw new UsageError(
          accounts.length === 0
            ? `--account-index ${index}: the node at ${connection.url} has no unlocked account; use PRIVATE_KEY or --keystore.`
            : `--account-index ${index}: the node at ${connection.url} has ${accounts.length} unlocked accounts (0 to ${accounts.length - 1}).`,
        );
      }
      inner = await provider.getSigner(index);
    }
    const address = await inner.getAddress();
    this.info(`Signer ${address}`);
    return new PrintingSigner(
      inner,
      provider,
      confirm ? () => this.confirmSending(address, connection) : undefined,
      (tx) => this.info(`Transaction ${tx.hash}`),
    );
  }

  private async decryptKeystore(path: string): Promise<Wallet> {
    let json: string;
    try {
      json = await readFile(path, "utf8");
    } catch {
      throw new UsageError(`cannot read the keystore "${path}".`);
    }
    const password = process.env.KEYSTORE_PASSWORD ?? (await this.ask(`Password of ${path}: `, "KEYSTORE_PASSWORD"));
    try {
      const wallet = await Wallet.fromEncryptedJson(json, password);
      return wallet instanceof Wallet ? wallet : new Wallet(wallet.privateKey);
    } catch (error) {
      if (isError(error, "INVALID_ARGUMENT") && /password/i.test(error.message)) {
        throw new UsageError(`cannot decrypt the keystore "${path}": wrong password.`);
      }
      throw new UsageError(`"${path}" is not an encrypted JSON keystore.`);
    }
  }

  private async confirmSending(address: string, connection: Connection): Promise<void> {
    const answer = await this.ask(
      `Send transactions signed by ${address} (raw private key) to chain ${connection.chainId} at ${connection.url}? [y/N] `,
      "--yes",
    );
    if (!/^y(es)?$/i.test(answer.trim())) throw new CommandError("not confirmed: nothing was sent.");
  }

  /** Asks on the terminal; without one, says what to give instead (`instead`). */
  private async ask(question: string, instead: string): Promise<string> {
    if (!process.stdin.isTTY) {
      throw new UsageError(`${question.trim()} — there is no terminal to ask: give ${instead}.`);
    }
    const terminal = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await terminal.question(question);
    } finally {
      terminal.close();
    }
  }

  /**
   * Reads the deployment file at `path` (see `readDeployment`) and refuses it when it is for another chain than
   * `connection`'s.
   */
  async deployment(path: string, connection: Connection): Promise<ProtocolDeploymentFile> {
    const file = await readDeployment(path);
    if (BigInt(file.chainId) !== connection.chainId) {
      throw new UsageError(
        `${path} is a deployment on chain ${file.chainId} (${file.network}), but ${connection.url} is chain ${connection.chainId}.`,
      );
    }
    return file;
  }

  /**
   * The address of the command's `kind` contract: `from.address` (given with `from.option`), else the contract
   * `from.name` of the deployment file `from.deployment`; checked to be a `kind` (see {@link expectContract}).
   */
  async contract(
    connection: Connection,
    kind: ContractKind,
    from: { address?: string; option: string; deployment?: string; name: string },
  ): Promise<string> {
    if (from.address !== undefined) {
      await expectContract(connection, from.address, kind, from.option);
      return from.address;
    }
    const file = await this.deployment(from.deployment!, connection);
    const address = file.contracts[from.name]?.address;
    if (address === undefined) {
      throw new UsageError(`${from.deployment} has no ${from.name} contract: its deployment is not complete.`);
    }
    await expectContract(connection, address, kind, `${from.deployment}'s ${from.name}`);
    return address;
  }

  /** Closes the connections the command opened, so that the process can end. */
  close(): void {
    for (const provider of this.providers) provider.destroy();
  }
}

/** A signer that prints each transaction's hash, and may ask once before its first transaction. */
class PrintingSigner extends AbstractSigner {
  private confirmed: Promise<void> | undefined;

  constructor(
    private readonly inner: Signer,
    provider: Provider | null,
    private readonly confirm: (() => Promise<void>) | undefined,
    private readonly sent: (tx: TransactionResponse) => void,
  ) {
    super(provider);
  }

  connect(provider: Provider | null): PrintingSigner {
    return new PrintingSigner(this.inner.connect(provider), provider, this.confirm, this.sent);
  }

  getAddress(): Promise<string> {
    return this.inner.getAddress();
  }

  signTransaction(tx: TransactionRequest): Promise<string> {
    return this.inner.signTransaction(tx);
  }

  signMessage(message: string | Uint8Array): Promise<string> {
    return this.inner.signMessage(message);
  }

  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    return this.inner.signTypedData(domain, types, value);
  }

  async sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    if (this.confirm) await (this.confirmed ??= this.confirm());
    const response = await this.inner.sendTransaction(tx);
    this.sent(response);
    return response;
  }
}

/* CONTRACTS: is an address what it should be? */

/** A view function each kind of contract answers and the others do not. */
const PROBES = {
  RewardDistributor: "REWARD_TOKEN()",
  InferenceSettlement: "PAYMENT_TOKEN()",
  DatanetRegistry: "BOND_TOKEN()",
  StakingPool: "STAKE_TOKEN()",
  ModelRegistry: "DATANETS()",
  EpochClock: "GENESIS()",
  TimelockController: "getMinDelay()",
  OpenGovernor: "votingPeriod()",
  "ERC-20 token": "decimals()",
} as const;

/** The kinds of contract {@link expectContract} recognises. */
export type ContractKind = keyof typeof PROBES;

/** "a RewardDistributor", "an ERC-20 token". */
const withArticle = (kind: string) => `${/^[AEIOU]/.test(kind) ? "an" : "a"} ${kind}`;

async function answers(provider: Provider, address: string, kind: ContractKind): Promise<boolean> {
  try {
    const result = await provider.call({ to: address, data: id(PROBES[kind]).slice(0, 10) });
    return result.length >= 66;
  } catch {
    return false;
  }
}

/**
 * Throws {@link UsageError} unless `address` holds code that answers `kind`'s probe, saying what is there instead: no
 * code (a wallet, or nothing deployed on this chain), another of the protocol's contracts, or another contract.
 * `what` names where the address came from ("--distributor").
 */
export async function expectContract(
  connection: Connection,
  address: string,
  kind: ContractKind,
  what: string,
): Promise<void> {
  const { provider } = connection;
  const code = await provider.getCode(address);
  if (code === "0x") {
    throw new UsageError(
      `${what} ${address} is not ${withArticle(kind)}: it has no code on chain ${connection.chainId} (a wallet, or nothing deployed there).`,
    );
  }
  if (await answers(provider, address, kind)) return;
  for (const other of Object.keys(PROBES) as ContractKind[]) {
    if (other !== kind && (await answers(provider, address, other))) {
      throw new UsageError(`${what} ${address} is not ${withArticle(kind)}: it is ${withArticle(other)}.`);
    }
  }
  throw new UsageError(
    `${what} ${address} is not ${withArticle(kind)}: it is another contract (it does not answer ${PROBES[kind]}).`,
  );
}
