// The Drill menu of the local workspace: every drill with what breaks, the responder's script,
// Start and Reset, and how long the responder is taking (or took). It talks to the workspace's
// own /local/drills endpoints on the same origin; a stand-in served without the workspace
// (no /local/drills) shows no menu.

const POLL_MS = 1000;

/** "4 s", "2 min 05 s", "1 h 03 min". */
export function formatElapsed(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** What a drill's timing line says, from its status (and the milliseconds since it was fetched). */
export function timingText(d, sinceFetchMs) {
  if (d.state === 'running') return `running for ${formatElapsed((d.elapsedMs ?? 0) + sinceFetchMs)}`;
  if (d.state === 'finished') {
    const took = formatElapsed(d.elapsedMs ?? 0);
    return d.finishedBy === 'action' ? `done in ${took}: ${d.finishedWhen}` : `reset after ${took}, before ${d.finishedWhen}`;
  }
  return 'not started';
}

export function setupDrills({ doc, toast, text }) {
  const el = (tag, cls, children) => {
    const e = doc.createElement(tag);
    if (cls) e.className = cls;
    for (const c of children || []) if (c) e.append(typeof c === 'string' ? doc.createTextNode(c) : c);
    return e;
  };
  const button = doc.querySelector('#drill-menu-button');
  const panel = doc.querySelector('#drills');
  const banner = doc.querySelector('#drill-banner');
  const state = { drills: [], fetchedAt: 0, open: false, busy: new Set() };

  async function load() {
    const res = await fetch('/local/drills').catch(() => undefined);
    if (!res || !res.ok) return false;
    const out = await res.json().catch(() => undefined);
    if (!out?.ok) return false;
    state.drills = out.drills;
    state.fetchedAt = window.performance.now();
    return true;
  }

  async function act(name, verb) {
    state.busy.add(name);
    render();
    try {
      const res = await fetch(`/local/drills/${encodeURIComponent(name)}/${verb}`, { method: 'POST', headers: { 'x-local-slack': '1' } });
      const out = await res.json().catch(() => ({ ok: false, error: `HTTP ${res.status}` }));
      if (!out.ok) toast(`Drill ${name}: ${out.error}`);
    } finally {
      state.busy.delete(name);
      await load();
      render();
    }
  }

  function drillEl(d, since) {
    const running = d.state === 'running';
    // A drill finished by the responder still has its world broken (a ban, revoked sessions)
    // until it is reset: Start comes back only then.
    const start = el('button', 'bk-button primary', [running ? 'Running…' : 'Start']);
    start.dataset.drillAction = 'start';
    start.disabled = d.active || state.busy.has(d.name);
    start.addEventListener('click', () => void act(d.name, 'start'));
    const reset = el('button', 'bk-button', ['Reset']);
    reset.dataset.drillAction = 'reset';
    reset.disabled = !d.active || state.busy.has(d.name);
    reset.addEventListener('click', () => void act(d.name, 'reset'));
    const timing = el('div', `drill-timing ${d.state}`, [timingText(d, since)]);
    timing.dataset.drillTiming = d.state;
    const box = el('section', `drill ${d.state}`, [
      el('div', 'drill-head', [el('b', null, [d.title]), el('div', 'drill-buttons', [start, reset])]),
      el('div', 'drill-summary', [d.summary]),
      timing,
      d.error ? el('div', 'bk-error', [d.error]) : null,
      el('ol', 'drill-script', d.script.map((s) => el('li', null, [text(s)]))),
    ]);
    box.dataset.drill = d.name;
    return box;
  }

  function render() {
    const since = window.performance.now() - state.fetchedAt;
    const running = state.drills.filter((d) => d.state === 'running');
    banner.hidden = running.length === 0;
    banner.replaceChildren(...running.map((d) => el('span', 'drill-running', [`🧯 Drill: ${d.title} — ${timingText(d, since)}`])));
    button.textContent = running.length ? `🧯 Drills (${running.length} running)` : '🧯 Drills';
    panel.hidden = !state.open;
    if (!state.open) return;
    const close = el('button', 'tool', ['✕']);
    close.dataset.drillClose = '1';
    close.addEventListener('click', () => {
      state.open = false;
      render();
    });
    panel.replaceChildren(
      el('div', 'drills-head', [el('b', null, ['Drills']), el('span', 'bk-hint', [' break the simulated world the way the runbook’s incidents look']), close]),
      ...state.drills.map((d) => drillEl(d, since)),
    );
  }

  void load().then((available) => {
    if (!available) return;
    button.hidden = false;
    button.addEventListener('click', () => {
      state.open = !state.open;
      render();
    });
    render();
    // The responder's action ends a drill on the workspace's side: follow it, and tick the clocks.
    window.setInterval(() => {
      void load().then(render);
    }, POLL_MS);
  });
}
