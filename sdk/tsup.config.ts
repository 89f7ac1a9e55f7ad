import { defineConfig } from "tsup";

/*
 * Three entries, each as ESM (.mjs) and CommonJS (.js) with declarations: "." (browser-safe), "./node" (files,
 * threads) and "./abi" (ABIs and TypeChain bindings). Code they share goes into shared chunks, so that an error class
 * or a client is the same object whichever entry it came through. Dependencies and ethers stay external.
 */
export default defineConfig({
  entry: { index: "src/index.ts", node: "src/node/index.ts", abi: "src/abi/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  tsconfig: "tsconfig.json",
});
