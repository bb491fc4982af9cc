// Entry point for a separate api process: `node dist/workers/api.js` (same as `chainwatch start --role api`).
import { runRole } from './run-role.js';

await runRole('api');
