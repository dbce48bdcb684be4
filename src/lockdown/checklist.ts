// The containment checklist on the generic checklist component (src/checklist).
import type { ChecklistService } from '../checklist/service.js';
import type { ContainmentChecklist } from './service.js';

export function containmentChecklist(svc: ChecklistService): ContainmentChecklist {
  return {
    async post(lockdownId, channel, items) {
      if (!channel) return null;
      const c = await svc.post(
        {
          kind: 'lockdown.containment',
          title: 'Breach containment checklist',
          description: 'Runbook P0 "Data Breach", first hour. Tick each item when done; who and when is recorded.',
          items: items.map((i) => ({ key: i.key, label: i.label })),
          access: 'oncall',
          context: { lockdownId },
          createdBy: 'opsbot',
        },
        { channel },
      );
      return c.id;
    },
    async tick(checklistId, key) {
      await svc.setItem(checklistId, key, true, 'opsbot');
    },
    async items(checklistId) {
      const c = await svc.get(checklistId);
      return (c?.items ?? []).map((i) => ({ label: i.label, checked: i.checked, by: i.checkedBy, at: i.checkedAt === null ? null : new Date(i.checkedAt) }));
    },
  };
}
