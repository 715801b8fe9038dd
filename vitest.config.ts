import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests never load the real `electron` package: in plain Node, require('electron') would try to download
    // the Electron binary. Everything that imports it gets this stub (or a vi.mock of its own).
    alias: { electron: fileURLToPath(new URL('./test/electron-stub.ts', import.meta.url)) },
  },
  test: {
    include: ['shared/**/*.test.ts', 'electron/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'out/**', 'release/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Live tests open real sockets and spawn processes; browser tests start Chromium. Two cores: keep
    // the file-level parallelism modest so live cross-checks see a quiet machine.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
