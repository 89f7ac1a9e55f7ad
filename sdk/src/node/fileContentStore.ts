import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { GatewayContentStore } from "../content/gateway";
import { checkStoredContent, cidOfUri, storedContentOf } from "../content/store";
import type { ContentStore, StoredContent } from "../content/store";
import type { ContentInput } from "../content/hash";
import { ContentUnavailableError, InvalidInputError } from "../errors";
import { checkOptions } from "./checks";

/**
 * A {@link ContentStore} in a folder: each content in the file `<dir>/<cid>`. A put writes a temporary file and
 * renames it into place, so a reader never sees half a file, and a crash leaves at most a stray `.tmp-` file. A get
 * checks the bytes against the CID, so a damaged file is an error, not a wrong answer.
 */
export class FileContentStore implements ContentStore {
  /** @throws InvalidInputError when `dir` is not a non-empty string. */
  constructor(readonly dir: string) {
    if (typeof dir !== "string" || dir === "") {
      throw new InvalidInputError(`A content folder is a non-empty path, not ${String(dir)}.`);
    }
  }

  /** @throws InvalidInputError when the folder cannot be made or written (e.g. it is a file). */
  async put(content: ContentInput): Promise<StoredContent> {
    const { stored, bytes } = storedContentOf(content);
    const temporary = join(this.dir, `.tmp-${stored.cid}-${randomBytes(6).toString("hex")}`);
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temporary, bytes);
      await rename(temporary, join(this.dir, stored.cid));
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw new InvalidInputError(`Cannot write ${stored.cid} to the content folder ${this.dir}: ${codeOf(error)}.`, {
        hint: "The folder must be a writable directory (or a path where one can be made).",
        cause: error,
      });
    }
    return stored;
  }

  /** @throws ContentUnavailableError (`unreachable`) when the folder cannot be read, e.g. it is a file. */
  async get(uriOrCid: string): Promise<Uint8Array | undefined> {
    if (typeof uriOrCid !== "string") {
      throw new InvalidInputError(`A content URI or CID is a string, not ${typeof uriOrCid}.`);
    }
    const cid = cidOfUri(uriOrCid);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(this.dir, cid));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new ContentUnavailableError(
        cid,
        "unreachable",
        `The content folder ${this.dir} cannot be read: ${codeOf(error)}.`,
        {
          cause: error,
        },
      );
    }
    return checkStoredContent(cid, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
}

/** A file system error's code (ENOTDIR, EACCES…), or its message when it has none. */
function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}

/** The folder an operator's content lives in when nothing else is said, relative to the working directory. */
export const DEFAULT_CONTENT_DIR = "data/content";

/** Where {@link contentStoreFromEnv} reads and writes content; unset fields come from the environment. */
export interface ContentStoreSettings {
  /** A content folder (`<dir>/<cid>`); with a gateway, where puts go. Default {@link DEFAULT_CONTENT_DIR}. */
  dir?: string;
  /** An IPFS HTTP gateway's base URL (default: `CONTENT_GATEWAY` in the environment). */
  gateway?: string;
}

/**
 * The content store the operator's commands use: a {@link GatewayContentStore} when a gateway is given or
 * `CONTENT_GATEWAY` is set (read-only unless `dir` is given too, which takes the puts), else a
 * {@link FileContentStore} in `dir` (default `data/content`).
 * @throws InvalidInputError when the gateway is not an http(s) URL, the folder not a path, or an argument not an object.
 */
export function contentStoreFromEnv(
  settings: ContentStoreSettings = {},
  env: Record<string, string | undefined> = process.env,
): ContentStore {
  checkOptions(settings, "The content store's settings");
  checkOptions(env, "The environment");
  const gateway = settings.gateway || env.CONTENT_GATEWAY;
  if (gateway) {
    return new GatewayContentStore(gateway, {
      writeTo: settings.dir === undefined ? undefined : new FileContentStore(settings.dir),
    });
  }
  return new FileContentStore(settings.dir ?? DEFAULT_CONTENT_DIR);
}
