import { expect } from "chai";

/** Awaits `promise`, expects it to reject with an instance of `type`, and returns the error for further checks. */
export async function rejection<T>(promise: Promise<unknown>, type: abstract new (...args: never[]) => T): Promise<T> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error, `expected a ${type.name}`).to.be.instanceOf(type);
  return error as T;
}

/** Runs `run`, expects it to throw an instance of `type`, and returns the error for further checks. */
export function thrown<T>(run: () => unknown, type: abstract new (...args: never[]) => T): T {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error, `expected a ${type.name}`).to.be.instanceOf(type);
  return error as T;
}
