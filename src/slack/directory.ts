// Slack user-group membership via usergroups.users.list (scope usergroups:read).
import type { webApi } from '@slack/bolt';
import type { Directory } from './authz.js';
import { UpstreamError } from '../core/errors.js';

export function slackDirectory(client: () => webApi.WebClient): Directory {
  return {
    async usergroupMembers(groupId) {
      const res = await client().usergroups.users.list({ usergroup: groupId, include_disabled: false });
      if (!res.ok || !Array.isArray(res.users)) throw new UpstreamError(`usergroups.users.list failed: ${res.error ?? 'no users field'}`);
      return res.users;
    },
  };
}
