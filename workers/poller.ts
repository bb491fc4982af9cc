// Entry point for a separate poller process: `node dist/workers/poller.js` (same as `chainwatch start --role poller`).
import { runRole } from './run-role.js';

await runRole('poller');
