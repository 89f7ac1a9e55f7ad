import { defineConfig } from "tsup";

/*
 * Six entries, each as ESM (.mjs) and CommonJS (.js) with declarations: "." (browser-safe), "./node" (files,
 * threads), "./abi" (ABIs and TypeChain bindings), "./report" (HTML reports), "./ml" (models and the gateway) and
 * "./offering" (the offering client, whose contracts' ABIs weigh some 30 KiB; the offering math and prospectus are in
 * "."), the last three browser-safe but kept out of "." so that a dApp's bundle does not carry them; and two thread
 * modules, treeWorker (the reward tree's helper thread) and epochWorker (the epoch's scoring threads), which "./node"
 * starts by path from next to itself (their own "./tree-worker" and "./epoch-worker" exports are for bundlers). Code
 * they share goes into shared chunks, so that an error class or a client is the same object whichever entry it came
 * through.
 * Dependencies and ethers stay external.
 */
export default defineConfig({
  entry: {
    index: "src/index.ts",
    node: "src/node/index.ts",
    abi: "src/abi/index.ts",
    report: "src/report/index.ts",
    ml: "src/ml/index.ts",
    offering: "src/clients/offeringClient.ts",
    treeWorker: "src/node/treeWorker.ts",
    epochWorker: "src/node/epochWorker.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  tsconfig: "tsconfig.json",
  esbuildOptions(options, { format }) {
    // The one place that needs a module's own URL (to find treeWorker next to it): CommonJS has __filename, and
    // import.meta cannot be written in the sources, which ts-node runs as CommonJS.
    if (format === "esm") options.define = { ...options.define, __ESM_MODULE_URL__: "import.meta.url" };
  },
});
