// Entry point for a separate alerter process: `node dist/workers/alerter.js` (same as `chainwatch start --role alerter`).
import { runRole } from './run-role.js';

await runRole('alerter');
