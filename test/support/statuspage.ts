// Statuspage summaries (GET /api/v2/summary.json) in the shape status.supabase.com serves them,
// for /health outage tests.

/** The shape of status.supabase.com's summary.json (a Statuspage page), trimmed to a few entries. */
export const SUMMARY_WITH_INCIDENT = {
  page: { id: 'kctwh0000000', name: 'Supabase', url: 'https://status.supabase.com', time_zone: 'Etc/UTC', updated_at: '2026-03-02T11:52:10.123Z' },
  components: [
    { id: 'c1', name: 'Analytics', status: 'operational', created_at: '2021-01-01T00:00:00.000Z', updated_at: '2026-03-01T00:00:00.000Z', position: 1, description: null, showcase: false, start_date: null, group_id: null, page_id: 'kctwh0000000', group: false, only_show_if_degraded: false },
    { id: 'g1', name: 'Supabase Cloud', status: 'partial_outage', position: 2, description: null, showcase: false, group_id: null, page_id: 'kctwh0000000', group: true, only_show_if_degraded: false, components: ['c2', 'c3'] },
    { id: 'c2', name: 'AWS us-east-1', status: 'partial_outage', position: 1, description: null, showcase: false, group_id: 'g1', page_id: 'kctwh0000000', group: false, only_show_if_degraded: false },
    { id: 'c3', name: 'AWS eu-west-2', status: 'degraded_performance', position: 2, description: null, showcase: false, group_id: 'g1', page_id: 'kctwh0000000', group: false, only_show_if_degraded: false },
    { id: 'c4', name: 'Dashboard', status: 'operational', position: 3, description: null, showcase: false, group_id: null, page_id: 'kctwh0000000', group: false, only_show_if_degraded: false },
  ],
  incidents: [
    {
      id: 'i1',
      name: 'Elevated connection errors to databases in us-east-1',
      status: 'identified',
      created_at: '2026-03-02T11:20:00.000Z',
      updated_at: '2026-03-02T11:50:00.000Z',
      monitoring_at: null,
      resolved_at: null,
      impact: 'major',
      shortlink: 'https://stspg.io/abc123',
      started_at: '2026-03-02T11:15:00.000Z',
      page_id: 'kctwh0000000',
      incident_updates: [{ id: 'u1', status: 'identified', body: 'We have identified the cause of connection errors in us-east-1.', created_at: '2026-03-02T11:50:00.000Z' }],
      components: [{ id: 'c2', name: 'AWS us-east-1', status: 'partial_outage' }],
    },
    {
      id: 'i2',
      name: 'Slow dashboard loads in eu-west-2',
      status: 'investigating',
      impact: 'minor',
      shortlink: 'https://stspg.io/def456',
      incident_updates: [],
      components: [{ id: 'c3', name: 'AWS eu-west-2', status: 'degraded_performance' }],
    },
  ],
  scheduled_maintenances: [],
  status: { indicator: 'major', description: 'Partial System Outage' },
};

/** A summary with every component operational and nothing open. */
export const ALL_GOOD = {
  page: { id: 'p', name: 'Supabase', url: 'https://status.supabase.com' },
  components: [{ id: 'c2', name: 'AWS us-east-1', status: 'operational', group: false }],
  incidents: [],
  scheduled_maintenances: [],
  status: { indicator: 'none', description: 'All Systems Operational' },
};
