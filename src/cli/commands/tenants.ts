import type { Command } from 'commander';
import { createTenantStore, TenantExistsError, type TenantStore } from '../../adapters/redis/tenant-store.js';
import { withRedisSettings } from '../with-redis-settings.js';

/**
 * `chainwatch tenants add NAME | ls | revoke NAME` (issue #9): the operator
 * side of the exchanges' API. `add` prints the API key once, on a line of its
 * own (only its hash is stored). Exit 0 on success, 1 on a failure (name taken,
 * unknown name, Redis down), 2 on bad config.
 */
export function registerTenantsCommand(program: Command): void {
  const tenants = program.command('tenants').description("manage the exchanges (tenants) that use the API");

  tenants
    .command('add')
    .argument('<name>', 'tenant name (letters, digits, _ . -)')
    .description('create a tenant and print its API key once')
    .action((name: string, _opts: unknown, command: Command) =>
      withStore(command, async (store) => {
        if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
          process.stderr.write('tenant names are 1-64 letters, digits, _ . -\n');
          return 2;
        }
        try {
          const { tenant, apiKey } = await store.add(name, new Date());
          process.stderr.write(`tenant ${tenant.name} (${tenant.id}) created. Its API key follows; it is shown only now:\n`);
          process.stdout.write(`${apiKey}\n`);
          return 0;
        } catch (err) {
          if (err instanceof TenantExistsError) {
            process.stderr.write(`${err.message}\n`);
            return 1;
          }
          throw err;
        }
      }),
    );

  tenants
    .command('ls')
    .description('list tenants')
    .action((_opts: unknown, command: Command) =>
      withStore(command, async (store) => {
        const list = await store.list();
        if (list.length === 0) process.stdout.write('no tenants\n');
        for (const t of list) process.stdout.write(`${t.name}\t${t.id}\t${t.createdAt}\t${t.revokedAt === null ? 'active' : `revoked ${t.revokedAt}`}\n`);
        return 0;
      }),
    );

  tenants
    .command('revoke')
    .argument('<name>', 'tenant name')
    .description("revoke a tenant's API key (it stops working at once)")
    .action((name: string, _opts: unknown, command: Command) =>
      withStore(command, async (store) => {
        const revoked = await store.revoke(name, new Date());
        if (revoked === undefined) {
          process.stderr.write(`no active tenant named "${name}"\n`);
          return 1;
        }
        process.stdout.write(`tenant ${name} revoked\n`);
        return 0;
      }),
    );
}

function withStore(command: Command, run: (store: TenantStore) => Promise<number>): Promise<void> {
  return withRedisSettings('tenants', command, (redis, settings) => run(createTenantStore(redis, settings.redis.prefix)));
}
