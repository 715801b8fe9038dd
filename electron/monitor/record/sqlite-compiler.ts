// Imported for its effect, before anything loads SQLite (record/database.ts imports it first): WebAssembly
// compiled by Liftoff only (heap.ts baselineWasmOnly). node-sqlite3-wasm compiles its module when it is
// loaded, and V8 reads the flag then.
import { baselineWasmOnly } from '../heap.js';

baselineWasmOnly();
