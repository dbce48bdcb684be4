// The incident service of a bot built without the state-store implementation: every call says
// so plainly (an UpstreamError the user reads), so the rest of the bot keeps working.
import { UpstreamError } from '../core/errors.js';
import type { IncidentService } from './port.js';

export function unavailableIncidents(): IncidentService {
  const refuse = () => Promise.reject(new UpstreamError('Incidents are not available in this build of the bot (no incident store is wired in). Nothing was recorded; run diagnostics with the other commands.'));
  return new Proxy(Object.create(null) as IncidentService, {
    // byChannel is asked by the authorizer for every refused channel: no store, no war rooms.
    get: (_t, key) => (key === 'byChannel' ? () => Promise.resolve(undefined) : refuse),
  });
}
