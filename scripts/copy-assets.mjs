// tsc compiles only TypeScript: copy the runtime JSON assets (precompiled dev contracts) next to the compiled code.
import { cpSync } from 'node:fs';

cpSync('src/devchain/artifacts', 'dist/src/devchain/artifacts', { recursive: true });
