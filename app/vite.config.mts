import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/* The page of `npm run app`: built into app/dist, which the app's server serves beside its API. */
export default defineConfig({
  root: fileURLToPath(new URL("web", import.meta.url)),
  // Relative asset URLs, so that the build works under any path the server mounts it at.
  base: "./",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: fileURLToPath(new URL("dist", import.meta.url)), emptyOutDir: true },
});
