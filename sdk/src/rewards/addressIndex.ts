import { HEX_NIBBLE } from "../internal/hex";
import { wasmKeccak } from "./keccak";

const ADDRESS_BYTES = 20;

/**
 * Account → entry index over raw 20-byte addresses: an open-addressing hash table in typed arrays.
 *
 * A `Map` keyed by lower-cased address strings cost 0.5–0.9 s per million accounts (string hashing, rehashing, a
 * million retained strings); this costs about 0.2 s and holds only bytes. Case-insensitivity comes free, as
 * keys are bytes. The hash is seeded per process, so nobody can grind addresses that pile into one probe chain.
 */
export class AddressIndex {
  /** Entry i's address at [20i, 20i + 20), written by `parseAddress` before `insert(i)`. */
  readonly addresses: Uint8Array;
  /**
   * Two words per slot: entry index + 1 (0 = empty) and the address's hash, so a probe that meets another address
   * usually tells it apart without reading that address. At most half the slots are used: probe chains stay short.
   */
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(capacity: number) {
    this.addresses = new Uint8Array(capacity * ADDRESS_BYTES);
    const size = 2 ** Math.max(4, Math.ceil(Math.log2(capacity * 2)));
    this.slots = new Int32Array(2 * size);
    this.mask = size - 1;
  }

  /** Adds entry `i` (its address already in `addresses`); returns the earlier entry with that address, or -1. */
  insert(i: number): number {
    const offset = i * ADDRESS_BYTES;
    const hash = hashAddress(this.addresses, offset);
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const stored = this.slots[2 * slot];
      if (stored === 0) {
        this.slots[2 * slot] = i + 1;
        this.slots[2 * slot + 1] = hash;
        return -1;
      }
      if (
        this.slots[2 * slot + 1] === hash &&
        sameAddress(this.addresses, (stored - 1) * ADDRESS_BYTES, this.addresses, offset)
      ) {
        return stored - 1;
      }
    }
  }

  /** The entry whose address is `bytes[offset, offset + 20)`, or -1. */
  find(bytes: Uint8Array, offset: number): number {
    const hash = hashAddress(bytes, offset);
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const stored = this.slots[2 * slot];
      if (stored === 0) return -1;
      if (
        this.slots[2 * slot + 1] === hash &&
        sameAddress(bytes, offset, this.addresses, (stored - 1) * ADDRESS_BYTES)
      ) {
        return stored - 1;
      }
    }
  }
}

/**
 * Writes the 20 bytes of `account` to `out[offset, offset + 20)` and tells whether it is an address: "0x" and 40
 * hex digits. With `checksum`, mixed case must also be a valid EIP-55 checksum (all lower or all upper case carries
 * none); that is checked here with the WebAssembly keccak because ethers' `getAddress` (pure-JS keccak) would take
 * seconds for a million checksummed accounts.
 */
export function parseAddress(account: unknown, out: Uint8Array, offset: number, checksum: boolean): boolean {
  if (typeof account !== "string" || account.length !== 42 || account[0] !== "0" || account[1] !== "x") return false;
  // Bit 1: a lower-case letter seen, bit 2: an upper-case one. Letters are ≥ 0x41; bit 0x20 tells their case.
  let cases = 0;
  for (let k = 0; k < ADDRESS_BYTES; k++) {
    const high = account.charCodeAt(2 + 2 * k);
    const low = account.charCodeAt(3 + 2 * k);
    const h = high < 128 ? HEX_NIBBLE[high] : -1;
    const l = low < 128 ? HEX_NIBBLE[low] : -1;
    if (h < 0 || l < 0) return false;
    out[offset + k] = (h << 4) | l;
    if (high >= 0x41) cases |= high & 0x20 ? 1 : 2;
    if (low >= 0x41) cases |= low & 0x20 ? 1 : 2;
  }
  return !checksum || cases !== 3 || hasValidChecksum(account);
}

/** EIP-55: a letter is upper case exactly where the matching nibble of keccak256(lower-case hex) is ≥ 8. */
function hasValidChecksum(account: string): boolean {
  const keccak = wasmKeccak();
  // `| 0x20` lower-cases a letter and leaves a digit (0x30–0x39) as it is.
  for (let i = 0; i < 40; i++) keccak.buffer[i] = account.charCodeAt(2 + i) | 0x20;
  keccak.hash(40);
  for (let i = 0; i < 40; i++) {
    const code = account.charCodeAt(2 + i);
    if (code < 0x41) continue;
    const nibble = (keccak.digest[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    if (((code & 0x20) === 0) !== nibble >= 8) return false;
  }
  return true;
}

/** A random seed per process, so that nobody can pick addresses that collide in every run. */
const SEED = globalThis.crypto.getRandomValues(new Int32Array(1))[0];

/** MurmurHash3 (x86, 32-bit) of 20 bytes, seeded; signed, as stored in an Int32Array. */
function hashAddress(bytes: Uint8Array, offset: number): number {
  let h = SEED;
  for (let o = offset; o < offset + ADDRESS_BYTES; o += 4) {
    let k = bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= ADDRESS_BYTES;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function sameAddress(a: Uint8Array, aOffset: number, b: Uint8Array, bOffset: number): boolean {
  for (let k = 0; k < ADDRESS_BYTES; k++) if (a[aOffset + k] !== b[bOffset + k]) return false;
  return true;
}
