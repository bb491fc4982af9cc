import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { ApiError, apiErrorBody } from '../api-error.js';
import { sendError } from '../register-tenant-api.js';
import { bearerOf, CSRF_HEADER, isCsrfSafe, SECURITY_HEADERS, SESSION_COOKIE, tokenMatches } from './dashboard-auth.js';
import type { DashboardDeps } from './dashboard-deps.js';
import { registerDashboardRoutes } from './dashboard-routes.js';

/** The SPA's deep links: each serves the same shell, which asks /api/session and shows the login form on 401. */
export const DASHBOARD_PAGES = ['/', '/login', '/movements', '/chains', '/incidents', '/incidents/:id', '/addresses/:chain/:address', '/watchlists', '/deliveries'] as const;

/**
 * The operator dashboard (issue #12) as a Fastify plugin: the built SPA at `/`
 * and its JSON API under `/api/` (docs/dashboard.md). Every `/api/` route
 * except login needs the session cookie or `Authorization: Bearer <token>`;
 * the shell and its assets hold no data and are served to anyone.
 */
export function dashboardPlugin(deps: DashboardDeps): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    await app.register(cookie);
    app.addHook('onRequest', async (_request, reply) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
    });

    const indexHtml = deps.webRoot !== undefined && existsSync(join(deps.webRoot, 'index.html')) ? readFileSync(join(deps.webRoot, 'index.html'), 'utf8') : undefined;
    const sendShell = (_request: FastifyRequest, reply: FastifyReply): FastifyReply => {
      void reply.header('cache-control', 'no-store');
      if (indexHtml === undefined) return reply.code(503).type('text/plain; charset=utf-8').send('The dashboard is not built: run `npm run build` (it builds web/ into dist/web).\n');
      return reply.type('text/html; charset=utf-8').send(indexHtml);
    };
    for (const page of DASHBOARD_PAGES) app.get(page, { schema: { hide: true } }, sendShell);
    if (deps.webRoot !== undefined && existsSync(join(deps.webRoot, 'assets'))) {
      // Vite names assets by content hash: cache them for good.
      await app.register(fastifyStatic, { root: join(deps.webRoot, 'assets'), prefix: '/assets/', decorateReply: false, immutable: true, maxAge: '365d', index: false });
    }
    const favicon = deps.webRoot !== undefined && existsSync(join(deps.webRoot, 'favicon.svg')) ? readFileSync(join(deps.webRoot, 'favicon.svg')) : undefined;
    app.get('/favicon.svg', { schema: { hide: true } }, (_request, reply) => (favicon === undefined ? reply.code(404).send() : reply.type('image/svg+xml').header('cache-control', 'max-age=86400').send(favicon)));

    // eslint-disable-next-line @typescript-eslint/require-await -- Fastify plugins are async functions by contract
    await app.register(async (api) => {
      api.setErrorHandler((err, _request, reply) => {
        void sendError(reply, err);
      });
      api.setNotFoundHandler((_request, reply) => sendError(reply, new ApiError('not_found', 'no such dashboard API path')));

      const sessionOf = (request: FastifyRequest): string | undefined => request.cookies[SESSION_COOKIE];

      api.addHook('onRequest', async (request, reply) => {
        void reply.header('cache-control', 'no-store');
        const path = request.url.split('?')[0];
        const isLogin = path === '/api/login';
        // The SPA's first question ("am I logged in?") is answered without a 401, which browsers log as a console error.
        if (path === '/api/session' && request.method === 'GET') return undefined;
        const bearer = bearerOf(request);
        if (bearer !== undefined) {
          if (tokenMatches(bearer, deps.adminToken)) return undefined;
          return sendError(reply, new ApiError('unauthorized', 'invalid operator token'));
        }
        const mutation = request.method !== 'GET' && request.method !== 'HEAD';
        if (mutation) {
          const safe = isCsrfSafe(request);
          if (!safe.ok) return sendError(reply, new ApiError('forbidden', safe.reason));
        }
        if (isLogin) return undefined;
        const session = sessionOf(request);
        if (session !== undefined && (await deps.sessions.isValid(session))) return undefined;
        return sendError(reply, new ApiError('unauthorized', 'log in, or send Authorization: Bearer <operator token>'));
      });

      api.post('/login', {
        schema: { body: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', minLength: 1, maxLength: 1024 } } } },
      }, async (request, reply) => {
        const { token } = request.body as { token: string };
        const limit = await deps.sessions.loginFailures(request.ip, deps.now());
        if (limit.failures >= deps.maxLoginFailuresPerMinute) {
          void reply.header('retry-after', String(limit.retryAfterSeconds));
          return reply.code(429).send(apiErrorBody(new ApiError('rate_limited', `too many wrong tokens; retry after ${limit.retryAfterSeconds} s`)));
        }
        if (!tokenMatches(token, deps.adminToken)) {
          await deps.sessions.countLoginFailure(request.ip, deps.now());
          return reply.code(401).send(apiErrorBody(new ApiError('unauthorized', 'wrong operator token')));
        }
        const id = await deps.sessions.create(deps.sessionTtlMs);
        void reply.setCookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/', maxAge: Math.floor(deps.sessionTtlMs / 1000) });
        return { ok: true };
      });
      api.post('/logout', async (request, reply) => {
        const session = sessionOf(request);
        if (session !== undefined) await deps.sessions.remove(session);
        void reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
        return { ok: true };
      });
      api.get('/session', async (request) => {
        const bearer = bearerOf(request);
        const session = sessionOf(request);
        const authenticated = bearer !== undefined ? tokenMatches(bearer, deps.adminToken) : session !== undefined && (await deps.sessions.isValid(session));
        return { authenticated, csrfHeader: CSRF_HEADER };
      });
      registerDashboardRoutes(api, deps);
    }, { prefix: '/api' });
  };
}
