import { parseArgs } from 'node:util';
import { serve } from './cli/serve.ts';

/** `npm start`: the same start as `dsrflow serve` (src/cli/serve.ts). */

const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } } });
await serve(values.config);
