// The dashboard's build: Preact components (JSX through esbuild, no Babel) bundled by Vite into dist/web, which the
// API process serves at `/`. scripts/build-web.mjs runs it when the sources changed (npm start, npm test, vitest).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

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
  },
});
