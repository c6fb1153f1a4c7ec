import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// LINKHUB_UI_OUT: where scripts/build.sh wants the files (<build>/share/linkhub/ui,
// next to the binary as the install tree has them).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: process.env.LINKHUB_UI_OUT || "dist",
    emptyOutDir: true,
    // Hashed names under assets/: the server caches those for a year.
    assetsDir: "assets",
    // Nothing is inlined as a data: URL (the CSP allows data: only for images anyway).
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false, // scripts/compress.mjs reports the first load
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8080" },
  },
});
