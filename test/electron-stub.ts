// Stand-in for the `electron` module in tests (see vitest.config.ts). Tests that exercise the Electron host
// replace it with vi.mock('electron', ...) and richer fakes; this default only makes an accidental import
// fail loudly instead of downloading the Electron binary.
const message = 'The real electron module is not available in tests; mock it with vi.mock("electron").';
export const app = new Proxy(
  {},
  {
    get: () => {
      throw new Error(message);
    },
  },
);
export default app;
