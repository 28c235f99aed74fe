// The dashboard's build: Preact components (JSX through esbuild, no Babel) bundled by Vite into dist/web, which the
// API process serves at `/`. scripts/build-web.mjs runs it when the sources changed (npm start, npm test, vitest).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const safe = (name: string): string => name.replace(/[^A-Za-z0-9_-]/g, '_');

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 700,
    // Each page and uPlot is a chunk of its own (loaded when first needed); names keep to the characters the server's
    // asset allow-list accepts (src/api/web.ts)
    rollupOptions: {
      output: {
        chunkFileNames: (chunk) => `assets/${safe(chunk.name)}-[hash].js`,
        assetFileNames: (asset) => `assets/${safe((asset.names[0] ?? 'asset').replace(/\.[^.]*$/, ''))}-[hash][extname]`,
      },
    },
  },
});
