import { MaxUint256, isAddress } from "ethers";
import { InvalidInputError } from "../errors/base";
import { InvalidAccountError } from "../errors/rewards";

/*
 * The argument checks the pure entry points share, so that a bad value is refused with a typed error naming the
 * argument instead of reaching ethers' coder (an untyped TypeError) or being hashed as it is.
 */

/** 0x and 64 hex digits, either case. */
export const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
/** A uint in canonical decimal: no sign, no leading zeros. */
export const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** `value` for a one-line message: a string quoted and cut short, a primitive as itself, else its kind. */
export function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.slice(0, 70));
  if (typeof value !== "object" && typeof value !== "function") return String(value);
  return value === null
    ? "null"
    : Array.isArray(value)
      ? "an array"
      : typeof value === "function"
        ? "a function"
        : "an object";
}

/** Whether `value` is a bigint in [0, max]. */
export function isUint(value: unknown, max = MaxUint256): value is bigint {
  return typeof value === "bigint" && value >= 0n && value <= max;
}

/** Throws InvalidInputError unless `ok`: `name` is `value`, and it must be `what`. */
export function refuseUnless(ok: boolean, value: unknown, name: string, what: string): asserts ok {
  if (!ok) throw new InvalidInputError(`${name} is ${shown(value)}; it must be ${what}.`);
}

/** Refuses anything but a bigint in [0, max] (2^256 − 1 unless said). */
export function checkUint(value: unknown, name: string, max = MaxUint256): asserts value is bigint {
  refuseUnless(isUint(value, max), value, name, `a bigint in [0, ${max === MaxUint256 ? "2^256 - 1" : max}]`);
}

/** Refuses anything but 0x and 64 hex digits. */
export function checkBytes32(value: unknown, name: string): asserts value is string {
  refuseUnless(typeof value === "string" && BYTES32.test(value), value, name, "0x and 64 hex digits");
}

/** Refuses (InvalidAccountError) anything but an address, all lower case, all upper case or EIP-55 checksummed. */
export function checkAddress(value: unknown, name: string): asserts value is string {
  if (typeof value !== "string" || !isAddress(value)) throw new InvalidAccountError(value, name);
}

/** Refuses anything but a non-null object, so that reading its fields cannot throw a TypeError. */
export function checkObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  refuseUnless(typeof value === "object" && value !== null, value, name, "an object");
}

/** Refuses anything but a string. */
export function checkString(value: unknown, name: string): asserts value is string {
  refuseUnless(typeof value === "string", value, name, "a string");
}

/** Refuses anything but a function. */
export function checkFunction(value: unknown, name: string): void {
  refuseUnless(typeof value === "function", value, name, "a function");
}

/** Refuses anything but an array. */
export function checkArray(value: unknown, name: string): asserts value is readonly unknown[] {
  refuseUnless(Array.isArray(value), value, name, "an array");
}
