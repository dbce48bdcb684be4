// The App Home tab: app_home_opened publishes the viewer's Home (src/home/), and its Approve /
// Deny buttons go through the same approval step as the request message's buttons
// (approveClick / denyClick in handlers/playbook.ts). A click on the Home tab has no
// response_url, so its answer is published at the top of the clicker's Home tab: here when it
// worked, by the global error handler (which also audits it) when it was refused.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ForbiddenError } from '../src/core/errors.js';
import type { HomePublisher } from '../src/home/publisher.js';
import { HOME_ACTIONS, HOME_CALLBACK } from '../src/home/view.js';
import type { PlaybookRequest } from '../src/playbooks/request.js';
import { escapeMrkdwn } from '../src/slack/blocks.js';
import type { HandlerDeps, InteractionSpec } from '../src/slack/command.js';
import { describeForAudit, interaction } from '../src/slack/context.js';
import { approveClick, denyClick, type PlaybookHandlerServices } from './playbook.js';

export interface HomeHandlerServices {
  home: HomePublisher;
  playbooks: PlaybookHandlerServices;
}

/** What a block_actions payload from a view carries (only the fields read here). */
interface ViewClick {
  user: { id: string };
  container?: { type?: string };
  view?: { type?: string; callback_id?: string; private_metadata?: string; blocks?: unknown[] };
}

/** Whether the view's blocks hold a Home button `actionId` for request `id`. */
function showsButton(blocks: unknown[] | undefined, actionId: string, id: string): boolean {
  return (blocks ?? []).some((b) => {
    const elements = (b as { elements?: { action_id?: unknown; value?: unknown }[] }).elements;
    return Array.isArray(elements) && elements.some((e) => e.action_id === actionId && e.value === id);
  });
}

/**
 * A decision on the Home tab counts only on the clicker's own Home tab as the bot published it,
 * and only for a request that tab shows them (Slack sends the view with the click, signed). A
 * payload naming another surface, another viewer or a request the tab did not show is refused.
 */
export function assertOwnHome(body: ViewClick, actionId: string, req: PlaybookRequest): void {
  const v = body.view;
  let viewer: unknown;
  try {
    viewer = (JSON.parse(v?.private_metadata ?? '{}') as { viewer?: unknown }).viewer;
  } catch {
    viewer = undefined;
  }
  if (body.container?.type !== 'view' || v?.type !== 'home' || v.callback_id !== HOME_CALLBACK || viewer !== body.user.id || !showsButton(v.blocks, actionId, req.id)) {
    throw new ForbiddenError(
      `Approve and Deny on the Home tab count only on your own Home tab, for a request it shows you. Nothing ran; use the buttons on the request message${req.channel ? ` in <#${req.channel}>` : ''}.`,
    );
  }
}

/**
 * Runs a Home click and publishes its answer on the clicker's Home tab. A refusal is thrown on to
 * the global error handler, which audits it and shows it on the Home tab the same way.
 */
async function answered(home: HomePublisher, deps: HandlerDeps, context: Parameters<typeof interaction>[0], userId: string, run: () => Promise<string>): Promise<void> {
  const notice = await run();
  await home.answer(userId, notice).catch((err: unknown) => interaction(context, deps.logger).log.warn({ err }, 'could not show the answer on the Home tab'));
}

export function homeInteractions(s: () => HomeHandlerServices): InteractionSpec {
  return {
    id: 'home',
    register(app: App, deps: HandlerDeps) {
      app.event('app_home_opened', async ({ event }) => {
        // The Messages and About tabs send this event too; only the Home tab is ours to draw.
        if (event.tab !== 'home') return;
        await s().home.opened(event.user);
      });

      app.action<BlockAction<ButtonAction>>(HOME_ACTIONS.refresh, async ({ ack, body }) => {
        await ack();
        await s().home.opened(body.user.id);
      });

      app.action<BlockAction<ButtonAction>>(HOME_ACTIONS.approve, async ({ ack, body, action, context }) => {
        await ack();
        describeForAudit(context, { detail: { surface: 'home' } });
        await answered(s().home, deps, context, body.user.id, async () => {
          const outcome = await approveClick(s().playbooks, deps, context, { userId: body.user.id, value: action.value }, (req) => assertOwnHome(body, HOME_ACTIONS.approve, req));
          const r = 'request' in outcome ? outcome.request : undefined;
          const name = r ? `*${escapeMrkdwn(r.playbookId)}*` : 'the request';
          return outcome.kind === 'started'
            ? `:white_check_mark: You approved ${name}; it is running. Its request message${r?.channel ? ` in <#${r.channel}>` : ''} shows the result.`
            : `:white_check_mark: Your approval of ${name} is recorded; it needs another approver before it runs.`;
        });
      });

      app.action<BlockAction<ButtonAction>>(HOME_ACTIONS.deny, async ({ ack, body, action, context }) => {
        await ack();
        describeForAudit(context, { detail: { surface: 'home' } });
        await answered(s().home, deps, context, body.user.id, async () => {
          const denied = await denyClick(s().playbooks, deps, context, { userId: body.user.id, value: action.value }, (req) => assertOwnHome(body, HOME_ACTIONS.deny, req));
          return `:no_entry_sign: You denied *${escapeMrkdwn(denied.playbookId)}*; nothing ran.`;
        });
      });
    },
  };
}
