// Who may run what, where. Roles come from Slack user groups (cached with a TTL) plus optional
// explicit user lists. When Slack cannot be asked, the answer is "no" (fail closed) with a
// message that says so, rather than a wrong "you are not allowed".
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';

export type Role = 'oncall' | 'approver';
/** What a command needs: `read` = anyone; every access also needs an allowed channel. */
export type Access = 'read' | Role;

/** Slack user-group membership, behind an interface so tests use a fake. */
export interface Directory {
  /** User ids in the user group (usergroups.users.list). */
  usergroupMembers(groupId: string): Promise<string[]>;
}

export interface AuthzConfig {
  oncallGroup: string | undefined;
  approverGroup: string | undefined;
  oncallUsers: string[];
  approverUsers: string[];
  allowedChannels: string[];
  cacheTtlMs: number;
  /** Channels allowed besides the list (an open incident's war room), asked only when the list would refuse. */
  alsoAllowed?: (channelId: string) => Promise<boolean>;
  /**
   * Whether a person may read on the App Home when the allow-list is set: a member of an allowed
   * channel (on-call and approvers always may). Without it, anyone may read there.
   */
  homeReaders?: (userId: string) => Promise<boolean>;
}

/**
 * The "channel" of a click on the App Home tab. The Home tab is the app's own surface, seen by one
 * person, so the channel allow-list does not apply to it; the role still does. Slack never sends
 * this as a channel id (its ids are upper case), so no channel can pass for it.
 */
export const APP_HOME_CHANNEL = 'app_home';

export type Decision = { allowed: true } | { allowed: false; message: string };

export interface Authorizer {
  /** Decides whether `userId` may run a command needing `access` in `channelId` (allow-list first, then role). */
  check(access: Access, who: { userId: string; channelId: string }): Promise<Decision>;
  /** Forgets cached memberships (e.g. on subteam_members_changed). */
  invalidate(): void;
}

const ROLE_NAME: Record<Role, string> = { oncall: 'on-call', approver: 'approvers' };

export function createAuthorizer(cfg: AuthzConfig, directory: Directory, clock: Clock, logger: Logger): Authorizer {
  const cache = new Map<string, { members: Set<string>; expires: number }>();
  const inflight = new Map<string, Promise<Set<string>>>();

  const members = async (groupId: string): Promise<Set<string>> => {
    const hit = cache.get(groupId);
    if (hit && hit.expires > clock.now()) return hit.members;
    let p = inflight.get(groupId);
    if (!p) {
      p = directory
        .usergroupMembers(groupId)
        .then((ids) => {
          const set = new Set(ids);
          cache.set(groupId, { members: set, expires: clock.now() + cfg.cacheTtlMs });
          return set;
        })
        .finally(() => inflight.delete(groupId));
      inflight.set(groupId, p);
    }
    return p;
  };

  const hasRole = async (role: Role, userId: string): Promise<'yes' | 'no' | 'unverified'> => {
    const users = role === 'oncall' ? cfg.oncallUsers : cfg.approverUsers;
    if (users.includes(userId)) return 'yes';
    const group = role === 'oncall' ? cfg.oncallGroup : cfg.approverGroup;
    if (!group) return 'no';
    try {
      return (await members(group)).has(userId) ? 'yes' : 'no';
    } catch (err) {
      logger.warn({ err, group }, 'user group lookup failed; denying');
      return 'unverified';
    }
  };

  const extraAllowed = async (channelId: string): Promise<boolean> => {
    if (!cfg.alsoAllowed || channelId === '') return false;
    try {
      return await cfg.alsoAllowed(channelId);
    } catch (err) {
      logger.warn({ err }, 'war-room lookup failed; the channel counts as not allowed');
      return false;
    }
  };

  // `read` on the App Home, with an allow-list: what the ops channels' members may see, they see here.
  const homeRead = async (userId: string): Promise<Decision> => {
    if ((await hasRole('oncall', userId)) === 'yes' || (await hasRole('approver', userId)) === 'yes') return { allowed: true };
    try {
      if (await cfg.homeReaders!(userId)) return { allowed: true };
    } catch (err) {
      logger.warn({ err }, 'channel membership lookup failed; denying');
      return { allowed: false, message: 'I could not check whether you are in one of the ops channels because Slack did not answer, so I am not showing the ops status. Try again in a minute.' };
    }
    return {
      allowed: false,
      message: `The ops status is for members of ${cfg.allowedChannels.map((c) => `<#${c}>`).join(', ')}. Ask to be added to one of them, or ask someone there.`,
    };
  };

  return {
    async check(access, { userId, channelId }) {
      // The allow-list holds for every command and action, whatever the role: an approver in a DM
      // or another workspace channel is still outside it. Ids are compared exactly as Slack sent
      // them (no trimming, no case folding), so a look-alike id is not let through.
      const home = channelId === APP_HOME_CHANNEL;
      if (!home && cfg.allowedChannels.length > 0 && !cfg.allowedChannels.includes(channelId) && !(await extraAllowed(channelId))) {
        return {
          allowed: false,
          message: `This runs only in ${cfg.allowedChannels.map((c) => `<#${c}>`).join(', ')}. Run it there, or ask an admin to add this channel to ALLOWED_CHANNEL_IDS.`,
        };
      }
      if (access === 'read' && home && cfg.allowedChannels.length > 0 && cfg.homeReaders) return homeRead(userId);
      if (access === 'read') return { allowed: true };
      const r = await hasRole(access, userId);
      if (r === 'yes') return { allowed: true };
      if (r === 'unverified') {
        return {
          allowed: false,
          message: `I could not check whether you are in the ${ROLE_NAME[access]} group because Slack did not answer, so I am refusing to be safe. Try again in a minute.`,
        };
      }
      const group = access === 'oncall' ? cfg.oncallGroup : cfg.approverGroup;
      return {
        allowed: false,
        message: `Only the ${ROLE_NAME[access]} ${group ? `group (<!subteam^${group}>)` : 'list'} may run this. Ask someone who is, or ask an admin to add you.`,
      };
    },
    invalidate: () => cache.clear(),
  };
}
