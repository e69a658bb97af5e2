/**
 * Every route the application registers (method and URL), for the tests generated from the
 * route table: the bad-input fuzz, CSRF on each state-changing form.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Routes registered after recordRoutes, in order. */
    routeTable: RouteEntry[];
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  /** The route skips the CSRF check (bearer-token API). */
  csrfExempt: boolean;
}

export function recordRoutes(app: FastifyInstance): void {
  const routes: RouteEntry[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      routes.push({ method, url: route.url, csrfExempt: route.config?.csrf === false });
    }
  });
}
