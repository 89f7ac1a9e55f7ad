/** Hex digit value by character code, either case; -1 for anything below 128 that is not a hex digit. */
export const HEX_NIBBLE = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX_NIBBLE["0123456789abcdef".charCodeAt(d)] = d;
  HEX_NIBBLE["0123456789ABCDEF".charCodeAt(d)] = d;
}

/** Two lower-case hex digits per byte value. */
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

/** `0x` and the lower-case hex of `bytes`. O(length). */
export function toHex(bytes: Uint8Array): string {
  let out = "0x";
  for (let i = 0; i < bytes.length; i++) out += BYTE_HEX[bytes[i]];
  return out;
}

/** Writes the 0x-prefixed hex `value` (an even number of digits) into `out` from `at`. Digits must be valid. */
export function writeHex(value: string, out: Uint8Array, at: number): void {
  for (let i = 2, j = at; i < value.length; i += 2, j++) {
    out[j] = (HEX_NIBBLE[value.charCodeAt(i)] << 4) | HEX_NIBBLE[value.charCodeAt(i + 1)];
  }
}

/** Writes `value` (0 to 2^256 − 1) as a big-endian 32-byte word at `at` of `out`, whose word must be zeros. */
export function writeUint256(value: bigint, out: Uint8Array, at: number): void {
  for (let i = at + 31; value > 0n; i--, value >>= 8n) out[i] = Number(value & 0xffn);
}
