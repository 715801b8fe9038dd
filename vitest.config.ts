import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests never load the real `electron` package: in plain Node, require('electron') would try to download
    // the Electron binary. Everything that imports it gets this stub (or a vi.mock of its own).
    alias: { electron: fileURLToPath(new URL('./test/electron-stub.ts', import.meta.url)) },
  },
  test: {
    include: [
      'shared/**/*.test.ts',
      'electron/**/*.test.ts',
      'renderer/**/*.test.ts',
      'renderer/**/*.test.tsx',
      'test/**/*.test.ts',
    ],
    exclude: ['node_modules/**', 'out/**', 'release/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Live tests open real sockets, kill and reset real processes and connections, and compare with ss, ip
    // and nstat; browser tests time the UI against them. Run as one file at a time, they never disturb
    // each other (in parallel on two cores, the Statistics browser test was seen to miss rows).
    fileParallelism: false,
    // Every NetLens a test starts (browser host, CLI, agent) inherits this: reverse lookups go to a loopback
    // port where nothing answers unless a test names its own server (dnsmasq), never to this machine's DNS.
    env: { NETLENS_DNS_SERVER: '127.0.0.1:9' },
    // Network namespaces (and what runs in them) left by a test run that was killed before its cleanup.
    globalSetup: ['test/namespaces.ts'],
  },
});
