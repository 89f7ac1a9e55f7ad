/** Hex digit value by character code, either case; -1 for anything below 128 that is not a hex digit. */
export const HEX_NIBBLE = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX_NIBBLE["0123456789abcdef".charCodeAt(d)] = d;
  HEX_NIBBLE["0123456789ABCDEF".charCodeAt(d)] = d;
}
