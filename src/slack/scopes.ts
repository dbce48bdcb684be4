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
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'files.delete': 'files:write',
  'filesUploadV2': 'files:write',
  'conversations.history': 'channels:history',
  'conversations.info': 'channels:read',
  'conversations.members': 'channels:read',
  'conversations.replies': 'channels:history',
  'conversations.create': 'channels:manage',
  'conversations.invite': 'channels:manage',
  'conversations.archive': 'channels:manage',
  'pins.add': 'pins:write',
};

/**
 * Scopes no Web API method call above implies: events the bot subscribes to, and the private
 * channel twins of the channel scopes (a war room is private with INCIDENT_CHANNEL_PRIVATE).
 */
export const EXTRA_SCOPES: Record<string, string> = {
  'reactions:read': 'the reaction_added event: a :pushpin: reaction adds a message to the incident timeline',
  'groups:write': 'private war rooms (INCIDENT_CHANNEL_PRIVATE): create, invite, archive',
  'groups:history': 'reading a :pushpin:-ed message in a private war room',
  'groups:read': 'the members of a private allowed channel, who may read the App Home (conversations.members)',
};
