// Bot scopes by Slack Web API method. The manifest test derives the scopes the code needs from
// the methods it calls, so manifest.yml asks for exactly those (plus `commands`).
export const METHOD_SCOPES: Record<string, string> = {
  'usergroups.users.list': 'usergroups:read',
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'views.open': '',
  'views.publish': '',
  'users.info': 'users:read',
  'files.uploadV2': 'files:write',
  'files.list': 'files:read',
  'filesUploadV2': 'files:write',
  'conversations.history': 'channels:history',
  'conversations.info': 'channels:read',
};
