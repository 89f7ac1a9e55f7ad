import { readFile } from "node:fs/promises";
import type { DatanetClient, SubmitParameters, SubmitReturnType } from "../clients/datanetClient";
import { InvalidInputError } from "../errors";
import { checkOptions } from "./checks";

/** Parameters of {@link submitFile}: those of {@link DatanetClient.submit} but the content, which the file gives. */
export type SubmitFileParameters = Omit<SubmitParameters, "content"> & {
  /** The file whose bytes are the contribution. */
  path: string;
};

/** Reads a file and submits its bytes with `client` (see {@link DatanetClient.submit}). */
export async function submitFile(client: DatanetClient, p: SubmitFileParameters): Promise<SubmitReturnType> {
  if (typeof client?.submit !== "function") throw new InvalidInputError("submitFile needs a DatanetClient.");
  checkOptions(p, "submitFile's parameters");
  const { path, ...rest } = p;
  // A number would be read as a file descriptor.
  if (typeof path !== "string" || path === "") {
    throw new InvalidInputError(`The file's path must be a non-empty string, not ${String(path)}.`);
  }
  let content: Uint8Array;
  try {
    content = await readFile(path);
  } catch (error) {
    throw new InvalidInputError(`Cannot read "${path}".`, { cause: error });
  }
  return client.submit({ ...rest, content });
}
