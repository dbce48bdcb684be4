// Checkbox clicks on any checklist the bot posted (maintenance, lockdown, …): ack, check who may
// tick it, record each tick/untick with user and time, and redraw the message from the record.
import type { BlockAction, CheckboxesAction } from '@slack/bolt';
import { ForbiddenError } from '../src/core/errors.js';
import { checklistMessage, parseBlockId, TOGGLE_ACTION_ID } from '../src/checklist/render.js';
import { applyClick, refreshChecklistMessage } from '../src/checklist/service.js';
import type { ChecklistStore } from '../src/checklist/store.js';
import type { Checklist, ChecklistChange } from '../src/checklist/types.js';
import { slackChatPoster } from '../src/slack/chat-poster.js';
import { auditInBackground } from '../src/slack/audit.js';
import type { InteractionSpec } from '../src/slack/command.js';
import { describeForAudit, interaction } from '../src/slack/context.js';
import { checkIntId, checkText } from '../src/slack/input.js';

export interface ChecklistInteractionOptions {
  /** Called after a click changed something, e.g. for lockdown to react when all items are done. */
  onChange?: (checklist: Checklist, changes: ChecklistChange[], userId: string) => Promise<void>;
}

export function checklistInteractions(store: ChecklistStore, opts: ChecklistInteractionOptions = {}): InteractionSpec {
  // Clicks on one checklist are applied one after another in this process, so the message is
  // always redrawn from state that includes the previous click.
  const queues = new Map<number, Promise<unknown>>();
  const serial = <T>(id: number, fn: () => Promise<T>): Promise<T> => {
    const prev = queues.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    queues.set(id, settled);
    void settled.then(() => {
      if (queues.get(id) === settled) queues.delete(id);
    });
    return next;
  };

  return {
    id: 'checklist',
    register(app, deps) {
      app.action<BlockAction<CheckboxesAction>>({ type: 'block_actions', action_id: TOGGLE_ACTION_ID }, async ({ ack, body, action, client, respond, context }) => {
        await ack();
        const { log } = interaction(context, deps.logger);
        const parsed = parseBlockId(action.block_id);
        if (!parsed) return;
        // Numbers in a block id can still be out of the database's range; option values are ours but arrive from Slack.
        checkIntId(parsed.checklistId, 'checklist id');
        checkIntId(parsed.revision + 1, 'checklist revision');
        checkIntId(parsed.group + 1, 'checklist group', 1000);
        for (const o of action.selected_options) checkText('checklist item', o.value ?? '', { max: 200 });
        describeForAudit(context, { action: 'checklist.tick', target: `checklist:${parsed.checklistId}` });
        const userId = body.user.id;
        const channelId = body.channel?.id ?? String(body.container.channel_id ?? '');
        const poster = slackChatPoster(client);
        const checklist = await store.get(parsed.checklistId);
        if (!checklist) {
          await respond({ response_type: 'ephemeral', replace_original: false, text: 'This checklist is no longer in the state store, so the click was not recorded.' });
          return;
        }
        const decision = await deps.authz.check(checklist.access, { userId, channelId });
        if (!decision.allowed) {
          // Redraw with a fresh block_id so the refused user's checkbox snaps back to the recorded state.
          if (checklist.channel && checklist.messageTs) {
            const msg = checklistMessage(checklist, deps.timezone);
            const reset = msg.blocks.map((b) => (b.type === 'actions' && b.block_id ? { ...b, block_id: `${b.block_id}r${deps.clock.now().toString(36)}` } : b));
            await poster.update({ channel: checklist.channel, ts: checklist.messageTs, text: msg.text, blocks: reset });
          }
          // Audited once, by the global error handler.
          throw new ForbiddenError(`Your click on "${checklist.title}" was not recorded. ${decision.message}`);
        }
        const result = await serial(checklist.id, async () => {
          const r = await applyClick(store, {
            checklistId: checklist.id,
            group: parsed.group,
            userId,
            selected: action.selected_options.map((o) => o.value ?? ''),
            // What the clicker saw is the revision in the block they clicked, not the latest state.
            revision: parsed.revision,
            at: deps.clock.now(),
          });
          // Redraw even when nothing changed: the clicker's view may be stale.
          await refreshChecklistMessage(store, poster, checklist.id, deps.timezone);
          return r;
        });
        log.info({ checklistId: checklist.id, changes: result.changes }, 'checklist clicked');
        if (result.changes.length > 0) {
          auditInBackground(deps, log, {
            actor: userId,
            action: 'checklist.tick',
            target: `checklist:${checklist.id}`,
            channel: channelId,
            outcome: 'ok',
            detail: { kind: checklist.kind, changes: result.changes },
          });
          if (opts.onChange && result.checklist) await opts.onChange(result.checklist, result.changes, userId);
        }
      });
    },
  };
}
