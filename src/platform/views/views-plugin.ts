/**
 * `reply.page(options, body)` renders a page in the common layout, and `/assets/*` serves
 * the fingerprinted assets (immutable, pre-compressed).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { ComponentChildren } from 'preact';
import type { Config } from '../../config.ts';
import type { AssetRegistry } from './assets.ts';
import { type PageContext, type PageOptions, renderPage } from './layout.tsx';
import { Workspace } from './workspace.ts';

declare module 'fastify' {
  interface FastifyInstance {
    assets: AssetRegistry;
    workspace: Workspace;
  }
  interface FastifyReply {
    page(options: PageOptions, body: ComponentChildren, status?: number): FastifyReply;
    /** The page context (CSRF token, actor, assets…) for components that need it. */
    pageContext(): PageContext;
  }
}

async function viewsPlugin(app: FastifyInstance, opts: { config: Config; assets: AssetRegistry }) {
  const { config, assets } = opts;
  app.decorate('assets', assets);
  app.decorate('workspace', new Workspace());

  const contexts = new WeakMap<FastifyReply, PageContext>();
  app.decorateReply('pageContext', function pageContext(this: FastifyReply): PageContext {
    const reply = this;
    const known = contexts.get(reply);
    if (known) return known;
    const request = reply.request;
    let token: string | undefined;
    const actor = request.actor;
    const context: PageContext = {
      operatorName: config.operatorName,
      stateBrand: config.stateBrand,
      assets,
      // Only pages with a form set the CSRF cookie: an anonymous visitor gets no cookie.
      get csrfToken() {
        token ??= reply.generateCsrf();
        return token;
      },
      currentPath: request.url,
      actor: actor ? { displayName: actor.displayName, isPlatformAdmin: actor.isPlatformAdmin } : undefined,
      flashes: request.takeFlashes(reply),
    };
    contexts.set(reply, context);
    return context;
  });

  app.decorateReply(
    'page',
    function page(this: FastifyReply, options: PageOptions, body: ComponentChildren, status = 200) {
      const html = renderPage(this.pageContext(), options, body);
      return this.status(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
    },
  );

  app.get('/assets/*', { config: { compress: false } }, async (request, reply) => {
    const asset = assets.byPath(request.url.split('?')[0] ?? '');
    if (!asset) return reply.callNotFound();
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    reply.header('etag', asset.etag);
    reply.header('vary', 'accept-encoding');
    reply.type(asset.type);
    if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
    const accept = String(request.headers['accept-encoding'] ?? '');
    if (asset.brotli !== asset.body && /\bbr\b/.test(accept)) {
      return reply.header('content-encoding', 'br').send(asset.brotli);
    }
    if (asset.gzip !== asset.body && /\bgzip\b/.test(accept)) {
      return reply.header('content-encoding', 'gzip').send(asset.gzip);
    }
    return reply.send(asset.body);
  });
  // Browsers ask for it whatever the page says; answer without a 404 page.
  app.get('/favicon.ico', (_request, reply) => reply.redirect(assets.url('favicon.svg'), 301));
}

export default fp(viewsPlugin, { name: 'views' });
