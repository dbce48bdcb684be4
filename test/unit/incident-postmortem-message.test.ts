// `/incident postmortem <id>` in Slack: a short draft whole; a long one (past Block Kit's budget)
// its start, with where the whole draft is — never cut without saying so.
import { describe, expect, it } from 'vitest';
import { POSTMORTEM_SLACK_CHARS, postmortemMessage } from '../../handlers/incident.js';
import { LIMITS } from '../../src/slack/blocks.js';

const pm = (markdown: string) => ({ incidentId: 12, source: 'offline' as const, markdown, createdAt: new Date(0) });
const texts = (blocks: ReturnType<typeof postmortemMessage>['blocks']) => JSON.stringify(blocks);

describe('postmortemMessage', () => {
  it('shows a short draft whole, with nothing added', () => {
    const msg = postmortemMessage(pm('# INC-12 postmortem\n\nAdded the missing index.'));
    expect(msg.text).toBe('Postmortem draft INC-12');
    expect(msg.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: '# INC-12 postmortem\n\nAdded the missing index.' } }]);
  });

  it('shows the start of a long draft within the limits and says where the rest is', () => {
    const long = Array.from({ length: 900 }, (_, i) => `| 10:${String(i % 60).padStart(2, '0')} | U0LEAD | step ${i} of the incident |`).join('\n');
    expect(long.length).toBeGreaterThan(POSTMORTEM_SLACK_CHARS);
    const msg = postmortemMessage(pm(long));
    expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    const sections = msg.blocks.filter((b) => b.type === 'section') as { text: { text: string } }[];
    expect(sections.every((b) => b.text.text.length <= LIMITS.sectionText)).toBe(true);
    expect(sections.map((b) => b.text.text).join('').length).toBeLessThanOrEqual(POSTMORTEM_SLACK_CHARS);
    expect(msg.blocks.at(-1)?.type).toBe('context');
    expect(texts(msg.blocks)).toContain(`The draft is ${long.length} characters; this is the start.`);
    expect(texts(msg.blocks)).toContain('`opsbot incident postmortem 12` prints it');
  });
});
