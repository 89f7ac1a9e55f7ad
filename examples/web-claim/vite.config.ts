import { defineConfig } from "vite";

export default defineConfig({
  // Relative asset URLs, so that dist/ works from any folder of any static host.
  base: "./",
  build: {
    // ethers and the SDK (most of it the contracts' ABIs) make one chunk of about 560 kB, 155 kB gzipped.
    chunkSizeWarningLimit: 700,
  },
});
