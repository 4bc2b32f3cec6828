import { defineConfig } from 'vite';

// `npm run build` writes dist/, which `phasebook serve` offers at / (docs/web.md). Everything
// is bundled: the page loads nothing from other origins. `npm run dev` proxies the API to a
// `phasebook serve` on port 8080.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // Plotly and 3Dmol are large prebuilt bundles loaded only on substance pages.
    chunkSizeWarningLimit: 6000,
    reportCompressedSize: false,
    rolldownOptions: {
      // 3Dmol.js calls eval() for user callbacks given as strings; we pass none.
      checks: { eval: false, pluginTimings: false },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/optimade': 'http://127.0.0.1:8080',
    },
  },
});
