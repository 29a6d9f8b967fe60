import { readFileSync } from 'node:fs';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { Engine } from '../../engine.ts';
import { DsrflowError, ErrorCodes } from '../../errors.ts';
import type { Html } from '../dashboard/html.ts';
import { errorPage, type Problem } from '../dashboard/layout.ts';
import { pageErrorView } from '../dashboard/error-views.ts';
import { DUE_FILTERS, listPage, type DueFilter } from '../dashboard/list-page.ts';
import { requestPage } from '../dashboard/request-page.ts';
import { sendPage } from '../dashboard/respond.ts';
import { parseListQuery } from '../list-query.ts';
import { onlyParameters, single } from '../query-parameters.ts';
import { authenticate } from '../require-api-key.ts';
import type { Sessions } from '../session.ts';

/**
 * The dashboard's pages and assets. A page needs the API key (as a Bearer header or a signed-in session); without it
 * the page is the sign-in form. A refused input shows its message and code on the page, with its status.
 */

const ASSET_TYPES: Record<string, string> = { 'dashboard.css': 'text/css; charset=utf-8', 'dashboard.js': 'text/javascript; charset=utf-8' };
const ASSETS = new Map(
  Object.entries(ASSET_TYPES).map(([name, type]) => [name, { type, body: readFileSync(new URL(`../dashboard/assets/${name}`, import.meta.url)) }]),
);

/**
 * Sends the page `render` makes for a signed-in user. A refusal goes to the error boundary, which draws it with this
 * page's view: the sign-in form without credentials, `refusedPage` (by default an error page) for a refused input.
 */
async function signedInPage(
  ctx: Context,
  engine: Engine,
  sessions: Sessions,
  render: () => Promise<Html>,
  refusedPage = (problem: Problem) => errorPage('This page cannot be shown', problem),
): Promise<void> {
  ctx.state.errorView = pageErrorView(refusedPage);
  authenticate(ctx, engine, sessions);
  sendPage(ctx, 200, await render());
}

export function dashboardRoutes(engine: Engine, sessions: Sessions): Router {
  return new Router({ prefix: '/dashboard' })
    .get('/assets/:name', (ctx) => {
      const asset = ASSETS.get(ctx.params.name as string);
      if (!asset) throw new DsrflowError(ErrorCodes.ROUTE_NOT_FOUND, `No dashboard asset named '${ctx.params.name}'`);
      ctx.type = asset.type;
      ctx.set('cache-control', 'no-cache');
      ctx.body = asset.body;
    })
    .get('/', (ctx) =>
      signedInPage(
        ctx,
        engine,
        sessions,
        async () => {
          onlyParameters(ctx.query, ['status', 'due'], 'this page');
          const { status, due } = ctx.query;
          if (due !== undefined && due !== '' && !Object.hasOwn(DUE_FILTERS, String(due))) {
            throw new DsrflowError(ErrorCodes.QUERY_INVALID, `due must be one of ${Object.keys(DUE_FILTERS).join(', ')}, not '${String(due)}'`);
          }
          const filter = parseListQuery({ status, ...(due === 'overdue' ? { overdue: 'true' } : {}), ...(due === 'soon' ? { due_within_days: '7' } : {}) });
          const chosen = { status: filter.statuses?.[0], due: (due || undefined) as DueFilter | undefined };
          return listPage({ ...(await engine.listPrivacyRequests(filter)), now: engine.now(), ...chosen });
        },
        (problem) => listPage({ items: [], total: 0, now: engine.now(), problem }),
      ),
    )
    .get('/requests/:id', (ctx) =>
      signedInPage(ctx, engine, sessions, async () => {
        onlyParameters(ctx.query, ['task'], 'this page');
        const id = ctx.params.id as string;
        const taskId = single(ctx.query, 'task');
        const request = await engine.getPrivacyRequest(id);
        const selected = taskId ? await engine.taskWithHistory(id, taskId) : undefined;
        return requestPage({
          request,
          now: engine.now(),
          tasks: selected?.tasks ?? (await engine.listTasks(id)),
          ...(selected ? { selected: { task: selected.task, history: selected.history } } : {}),
          accessResults: await engine.accessResults(id),
        });
      }),
    );
}
