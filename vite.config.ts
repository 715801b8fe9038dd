import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./out/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    // NETLENS_PROFILE=1 keeps names readable for a CPU profile (bench:renderer with BENCH_PROFILE).
    minify: process.env.NETLENS_PROFILE !== '1',
    target: 'chrome130',
    // One small app: a single chunk loads fastest from disk and keeps the CSP simple.
    chunkSizeWarningLimit: 2000,
  },
});
