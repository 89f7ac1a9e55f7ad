// Not "../errors": the helper thread loads this module too, and needs none of the revert tables behind that index.
import { KeccakUnavailableError } from "../errors/rewards";
import { toHex } from "../internal/hex";
import { KECCAK_WASM_BASE64 } from "./keccakWasm";

/**
 * keccak-256 over hash-wasm's WebAssembly build, reached synchronously.
 *
 * hash-wasm only hands out its hasher behind a Promise (`createKeccak`), which would force `buildRewardTree` to be
 * async. A 4,041-byte WebAssembly module compiles and instantiates synchronously everywhere (browsers refuse it on the
 * main thread only above 4 KiB), so the build embeds the keccak module of hash-wasm (`keccakWasm.ts`, generated) and
 * we instantiate it ourselves, once, on first use. Calling the module's
 * one-shot `Hash_Calculate` export directly also skips the wrapper's per-call work (about a quarter of the time of
 * `init`/`update`/`digest("binary")`, which also allocates the digest): input is written straight into the
 * module's buffer and the digest stays there, so a leaf's second round hashes it in place without a copy.
 */
export interface WasmKeccak {
  /** The module's I/O buffer: write the input at 0, call `hash(length)`, read the digest from `digest`. */
  readonly buffer: Uint8Array;
  /** The same bytes as 32-bit words (the buffer is 8-byte aligned), to move whole hashes in 8 steps. */
  readonly words: Int32Array;
  /** `buffer[0, 32)`: where `hash` leaves keccak-256 of its input. */
  readonly digest: Uint8Array;
  /** keccak-256 of `buffer[0, length)`, written to `digest`. `length` must stay below the buffer size (16 KiB). */
  hash(length: number): void;
  /**
   * A hash of input too long for the buffer: `start()`, then `update(length)` after writing each piece at 0, then
   * `finish()` leaves keccak-256 of the pieces in `digest`. Nothing else may use the module in between.
   */
  start(): void;
  update(length: number): void;
  finish(): void;
}

/** The exports of hash-wasm's `sha3` module that we call (see hash-wasm's `src/sha3.c`). */
interface Sha3Exports {
  memory: { buffer: ArrayBuffer };
  Hash_GetBuffer(): number;
  Hash_Calculate(length: number, bits: number, padding: number): void;
  Hash_Init(bits: number): void;
  Hash_Update(length: number): void;
  Hash_Final(padding: number): void;
}

/** keccak-256 of the empty string: a known answer that proves the module computes Ethereum's keccak. */
const EMPTY_KECCAK = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";

/** The part of the WebAssembly JS API we use; the project's `lib` (ES2022, no DOM) does not declare it. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const { WebAssembly } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

/** hash-wasm's input buffer size (`MAX_HEAP` in its WASMInterface): longer input goes in pieces. */
const BUFFER_BYTES = 16 * 1024;

let instance: WasmKeccak | undefined;

/** The shared keccak-256 module, instantiated on the first call. */
export function wasmKeccak(): WasmKeccak {
  instance ??= instantiate();
  return instance;
}

function instantiate(): WasmKeccak {
  let keccak: WasmKeccak;
  try {
    keccak = bindKeccak(Uint8Array.from(atob(KECCAK_WASM_BASE64), (c) => c.charCodeAt(0)));
  } catch (cause) {
    if (cause instanceof KeccakUnavailableError) throw cause;
    throw new KeccakUnavailableError("hash-wasm's keccak module does not instantiate.", { cause });
  }
  keccak.hash(0);
  if (Array.from(keccak.digest, (b) => b.toString(16).padStart(2, "0")).join("") !== EMPTY_KECCAK) {
    throw new KeccakUnavailableError("hash-wasm's keccak module gives a wrong keccak-256 of the empty string.");
  }
  return keccak;
}

/** A new instance of the keccak module `binary`. */
function bindKeccak(binary: Uint8Array): WasmKeccak {
  // Keccak's domain padding (SHA-3 uses 0x06).
  const keccakPadding = 0x01;
  const exports = new WebAssembly.Instance(new WebAssembly.Module(binary), {}).exports as Sha3Exports;
  const buffer = new Uint8Array(exports.memory.buffer, exports.Hash_GetBuffer(), BUFFER_BYTES);
  return {
    buffer,
    words: new Int32Array(buffer.buffer, buffer.byteOffset, BUFFER_BYTES / 4),
    digest: buffer.subarray(0, 32),
    hash: (length) => exports.Hash_Calculate(length, 256, keccakPadding),
    start: () => exports.Hash_Init(256),
    update: (length) => exports.Hash_Update(length),
    finish: () => exports.Hash_Final(keccakPadding),
  };
}

/** keccak-256 of `bytes`, 0x-prefixed lower-case hex, on the module (in pieces when longer than its buffer). */
export function keccakHex(bytes: Uint8Array): string {
  const keccak = wasmKeccak();
  if (bytes.length < BUFFER_BYTES) {
    keccak.buffer.set(bytes);
    keccak.hash(bytes.length);
  } else {
    keccak.start();
    for (let at = 0; at < bytes.length; at += BUFFER_BYTES) {
      const piece = bytes.subarray(at, at + BUFFER_BYTES);
      keccak.buffer.set(piece);
      keccak.update(piece.length);
    }
    keccak.finish();
  }
  return toHex(keccak.digest);
}

/** Characters gathered before they are hashed, so that the module is called on pieces of some kilobytes. */
const TEXT_PIECE = BUFFER_BYTES / 4;

/**
 * keccak-256 of the UTF-8 bytes of everything `produce` writes, in order, without ever holding the whole text: for
 * documents too large for one string (an epoch report of a million records). Synchronous, so that nothing else uses
 * the module until the digest is read. A lone surrogate is encoded as U+FFFD, as TextEncoder does.
 */
export function keccakUtf8(produce: (write: (text: string) => void) => void): string {
  const keccak = wasmKeccak();
  const encoder = new TextEncoder();
  const hashText = (text: string) => {
    for (let rest = text; rest.length > 0;) {
      const { read, written } = encoder.encodeInto(rest, keccak.buffer);
      keccak.update(written);
      rest = rest.slice(read);
    }
  };
  let pending = "";
  keccak.start();
  produce((text) => {
    pending += text;
    if (pending.length < TEXT_PIECE) return;
    // A piece may end between the two halves of a surrogate pair: the high half waits for the next piece.
    const last = pending.charCodeAt(pending.length - 1);
    const keep = last >= 0xd800 && last <= 0xdbff ? 1 : 0;
    hashText(pending.slice(0, pending.length - keep));
    pending = pending.slice(pending.length - keep);
  });
  hashText(pending);
  keccak.finish();
  return toHex(keccak.digest);
}
