// A monitor worker serving synthetic collectors (see serveSynthetic in synthetic.ts), for the host tests.
import { serveSynthetic } from './synthetic.js';

serveSynthetic();
