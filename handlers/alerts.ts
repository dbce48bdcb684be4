// The Acknowledge button on alert messages: records who acknowledged and when (time to
// acknowledge kept), which stops the reminders; the first click wins, later ones are told who.
import { requireAccess } from '../src/slack/pipeline.js';
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { AlertEngine } from '../src/alerts/engine.js';
import { ACK_ACTION_ID } from '../src/alerts/messages.js';
import { formatMs } from '../src/core/format.js';
import { formatLocal } from '../src/time/zoned-time.js';
import { auditInBackground } from '../src/slack/audit.js';
import type { InteractionSpec } from '../src/slack/command.js';
import { describeForAudit, interaction } from '../src/slack/context.js';
import { checkIntId } from '../src/slack/input.js';

export function alertInteractions(engine: AlertEngine): InteractionSpec {
  return {
    id: 'alerts',
    register(app, deps) {
      app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ACK_ACTION_ID }, async ({ ack, body, action, respond, context }) => {
        await ack();
        const { log } = interaction(context, deps.logger);
        const userId = body.user.id;
        const channelId = body.channel?.id ?? String(body.container.channel_id ?? '');
        const alertId = checkIntId(action.value, 'alert id');
        describeForAudit(context, { action: 'alert.acknowledge', target: `alert:${alertId}` });
        // Acknowledging means "I am on it": the on-call role, like running diagnostics.
        await requireAccess(deps, 'oncall', { userId, channelId });
        const r = await engine.acknowledge(alertId, userId);
        if (r.status === 'not_found') {
          await respond({ response_type: 'ephemeral', replace_original: false, text: `Alert #${alertId} is not in the state store.` });
          return;
        }
        if (r.status === 'already') {
          const who = r.alert.acknowledgedBy === userId ? 'you' : `<@${r.alert.acknowledgedBy ?? '?'}>`;
          await respond({
            response_type: 'ephemeral',
            replace_original: false,
            text: `Alert #${alertId} was already acknowledged by ${who} at ${formatLocal(r.alert.acknowledgedAt ?? 0, deps.timezone)}.`,
          });
          return;
        }
        auditInBackground(deps, log, {
          actor: userId,
          action: 'alert.acknowledge',
          target: `alert:${alertId}`,
          channel: channelId,
          outcome: 'ok',
          detail: { ruleId: r.alert.ruleId, timeToAckMs: r.alert.timeToAckMs },
        });
        log.info({ alertId, timeToAck: r.alert.timeToAckMs === null ? null : formatMs(r.alert.timeToAckMs) }, 'alert acknowledged from Slack');
      });
    },
  };
}
