// Prints how the record's lock looks from this process (lock.ts lockState, a minute on: the lock old enough),
// for the lock tests (lock.test.ts) that look from another user's process.
//   node lock-state.cjs FILE   (bundled by testing/bundle-worker.ts)
import { lockState } from '../lock.js';

const [file] = process.argv.slice(2);
if (!file) throw new Error('usage: lock-state.ts FILE');
console.log(JSON.stringify(lockState(file, Date.now() + 60_000)));
