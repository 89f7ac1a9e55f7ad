import { readFile } from "node:fs/promises";
import type { DatanetClient, SubmitParameters, SubmitReturnType } from "../clients/datanetClient";
import { InvalidInputError } from "../errors";

/** Parameters of {@link submitFile}: those of {@link DatanetClient.submit} but the content, which the file gives. */
export type SubmitFileParameters = Omit<SubmitParameters, "content"> & {
  /** The file whose bytes are the contribution. */
  path: string;
};

/** Reads a file and submits its bytes with `client` (see {@link DatanetClient.submit}). */
export async function submitFile(client: DatanetClient, p: SubmitFileParameters): Promise<SubmitReturnType> {
  const { path, ...rest } = p;
  let content: Uint8Array;
  try {
    content = await readFile(path);
  } catch (error) {
    throw new InvalidInputError(`Cannot read "${path}".`, { cause: error });
  }
  return client.submit({ ...rest, content });
}
