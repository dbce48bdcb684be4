// Online template miner after Drain (He et al., ICWS 2017): a fixed-depth prefix tree keyed on
// token count and the first tokens routes each line to a small list of clusters; the line joins
// the most similar cluster if the similarity reaches a threshold, else it starts a new one.
// One pass, constant work per line, memory bounded by a cap on clusters (least recently used
// clusters are evicted). Our own implementation; differences from the reference are noted inline.
import { detach } from './detach.js';
import { isMaskToken, maskMessage, templateText } from './masks.js';

export const WILDCARD = '<*>';

export interface DrainOptions {
  /** Tree depth including the token-count layer and the leaf (Drain's `depth`, minimum 3). */
  depth?: number;
  /** Share of matching tokens needed to join a cluster (Drain's `st`). */
  similarity?: number;
  /** Children per tree node before new tokens are routed to the wildcard child. */
  maxChildren?: number;
  /** Live clusters kept; beyond this the least recently used are evicted. */
  maxClusters?: number;
  /** Called with the id of each cluster evicted by the cap. */
  onEvict?: (id: number) => void;
}

export interface DrainCluster {
  readonly id: number;
  /** Template tokens; parameters are <*> or a typed mask such as <NUM>. */
  readonly tokens: readonly string[];
  /** Lines that joined this cluster (including merged duplicates). */
  readonly size: number;
}

/** The miner's state; add lines in order, read templates at any time. */
export interface Drain {
  /** Masks and tokenizes a message, assigns it to a cluster and returns the cluster id. */
  add(message: string): number;
  /** Like add, for a message already masked by maskMessage (e.g. in a worker thread). */
  addMasked(masked: string): number;
  /** Current id of a cluster, following merges of clusters whose templates became identical. */
  resolve(id: number): number;
  /** Live clusters (duplicates merged), largest first. */
  clusters(): DrainCluster[];
  /** Template text of a cluster id (resolved), or undefined if it was evicted. */
  template(id: number): string | undefined;
  /** Number of clusters evicted to respect `maxClusters`. */
  readonly evicted: number;
}

interface Cluster {
  id: number;
  tokens: string[];
  /** 1 where the template token is a parameter (<*>, a mask, or masks in punctuation). */
  params: Uint8Array;
  size: number;
  lastSeen: number;
  live: boolean;
}

interface Node {
  children: Map<string, Node>;
  clusters: Cluster[];
}

const MAX_LEAF_SCAN = 256;
/** A token holding a mask somewhere: <NUM>, blk_<NUM>, <IP>:<NUM>. */
const HAS_MASK = /<[A-Z_]+>/;

function compact(list: Cluster[]): void {
  let w = 0;
  for (const c of list) if (c.live) list[w++] = c;
  list.length = w;
}

const newNode = (): Node => ({ children: new Map(), clusters: [] });

// Only tokens that look like words route through the tree. Drain sends tokens with digits to
// the wildcard child; here the digits are masked already, so any token holding a mask (<NUM>,
// attempt_<NUM>_m_<NUM>, <HEX> or <NUM> for the same field) goes there. We also send tokens that look like names of files, hosts or classes
// (dots, slashes, equals signs inside), because those vary between lines of one template far
// more often than plain words do, and a split at the top of the tree can never be repaired.
function routeKey(token: string): string {
  if (token.includes('<') && HAS_MASK.test(token)) return WILDCARD;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 48 && c <= 57) return WILDCARD;
    if ((c === 46 || c === 47 || c === 61 || c === 92 || c === 64) && i > 0 && i < token.length - 1) return WILDCARD;
  }
  return token;
}

// `[<NUM>]`, `<IP>:<NUM>`, `(<NUM>%);` are values in punctuation: parameters, like bare masks.
// `port=<NUM>` or `blk_<NUM>` keep a constant word and count as constants.
function isParamToken(t: string): boolean {
  if (t === WILDCARD || isMaskToken(t)) return true;
  if (!t.includes('<')) return false;
  return !/[A-Za-z0-9]/.test(t.replace(MASK_IN_TOKEN, ''));
}
const MASK_IN_TOKEN = /<[A-Z_]+>/g;

function paramFlags(tokens: readonly string[]): Uint8Array {
  const flags = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) if (isParamToken(tokens[i]!)) flags[i] = 1;
  return flags;
}

const isParam = (t: string | undefined) => t !== undefined && (t === WILDCARD || isMaskToken(t));

// A token that mixes a mask with other characters, such as `*<NUM>` or `(<NUM>`.
const isMaskedWord = (t: string) => t !== WILDCARD && !isMaskToken(t) && t.includes('<') && HAS_MASK.test(t);

// A shorter template that this one matches once one masked word next to a parameter is taken
// out: `chrome.exe *64 - <*> open …` against `<*> - <*> open …`.
function findShorter(tokens: readonly string[], shorter: readonly Cluster[]): Cluster | undefined {
  for (let j = 0; j < tokens.length; j++) {
    if (!isMaskedWord(tokens[j]!)) continue;
    for (const c of shorter) {
      const tpl = c.tokens;
      if (!(isParam(tpl[j - 1]) || isParam(tpl[j]))) continue;
      let ok = true;
      for (let i = 0; i < tpl.length && ok; i++) {
        const t = tokens[i < j ? i : i + 1]!;
        ok = c.params[i] === 1 || tpl[i] === t;
      }
      if (ok) return c;
    }
  }
  return undefined;
}

export function createDrain(options: DrainOptions = {}): Drain {
  const depth = Math.max(3, options.depth ?? 4);
  const st = options.similarity ?? 0.5;
  const maxChildren = options.maxChildren ?? 100;
  const maxClusters = options.maxClusters ?? 10_000;
  const prefixLayers = depth - 2;

  const root = new Map<number, Node>();
  const byId = new Map<number, Cluster>();
  const parent = new Map<number, number>(); // merged duplicate id → surviving id
  // Lines that are identical after masking go to the cluster their first copy joined: the
  // common case costs one map lookup, and identical input always gets one id.
  let exact = new Map<string, Cluster>();
  const exactCap = Math.max(5_000, maxClusters * 2);
  let nextId = 1;
  let tick = 0;
  let live = 0;
  let evicted = 0;
  let dirty = false; // a template changed since duplicates were last merged

  const resolve = (id: number): number => {
    let cur = id;
    for (let p = parent.get(cur); p !== undefined; p = parent.get(cur)) cur = p;
    return cur;
  };

  const child = (node: Node, key: string): Node => {
    let next = node.children.get(key);
    if (next) return next;
    next = newNode();
    node.children.set(key, next);
    return next;
  };

  // Drain's routing: a parameter-looking token goes to the wildcard child; a word gets its own
  // child while the node has room (one slot is kept for the wildcard), else the wildcard child.
  const leafFor = (tokens: string[]): Node => {
    let node: Node | undefined = root.get(tokens.length);
    if (!node) root.set(tokens.length, (node = newNode()));
    const layers = Math.min(prefixLayers, tokens.length);
    for (let i = 0; i < layers; i++) {
      const key = routeKey(tokens[i]!);
      const existing: Node | undefined = node.children.get(key);
      if (existing) node = existing;
      else if (key === WILDCARD) node = child(node, WILDCARD);
      else {
        const hasWildcard = node.children.has(WILDCARD);
        const room = hasWildcard ? node.children.size < maxChildren : node.children.size + 1 < maxChildren;
        node = child(node, room ? key : WILDCARD);
      }
    }
    return node;
  };

  // Similarity (Drain's simSeq): the share of positions where the template has a constant token
  // equal to the line's. Masked tokens (<NUM>, <IP>…) count as parameters, as in the reference
  // where masks become <*>: a shared header of timestamps and ids must not make two different
  // messages look alike. Ties go to the template with more parameters.
  //
  // A leaf normally holds a handful of clusters. Input with thousands of distinct messages of one
  // length can pile them into one wildcard leaf; only the first MAX_LEAF_SCAN are compared, so a
  // line costs bounded work, and a matched cluster moves to the front.
  const best = (list: Cluster[], tokens: string[]): [Cluster | undefined, number] => {
    let found = -1;
    let bestSim = -1;
    let bestParams = -1;
    let dead = 0;
    const n = Math.min(list.length, MAX_LEAF_SCAN);
    for (let k = 0; k < n; k++) {
      const c = list[k]!;
      if (!c.live) {
        dead++;
        continue;
      }
      const tpl = c.tokens;
      const isParam = c.params;
      let same = 0;
      let params = 0;
      for (let i = 0; i < tpl.length; i++) {
        if (isParam[i] === 1) params++;
        else if (tpl[i] === tokens[i]) same++;
      }
      const sim = same / tpl.length;
      if (sim > bestSim || (sim === bestSim && params > bestParams)) {
        found = k;
        bestSim = sim;
        bestParams = params;
      }
    }
    const c = found < 0 ? undefined : list[found]!;
    if (dead > 0) compact(list);
    if (c && bestSim >= st && list[0] !== c && found > 32) {
      list.splice(list.indexOf(c), 1);
      list.unshift(c);
    }
    return [c, bestSim];
  };

  // Evicted and merged clusters leave their leaves lazily (see best): removing them from long
  // leaf lists one by one would cost more than the eviction saves.
  const unlink = (c: Cluster) => {
    c.live = false;
    byId.delete(c.id);
    live--;
  };

  const evict = () => {
    // Evict the least recently used tenth at once, so eviction cost is amortised.
    const victims = [...byId.values()].filter((c) => c.live).sort((a, b) => a.lastSeen - b.lastSeen);
    const n = Math.max(1, Math.floor(maxClusters / 10));
    for (const c of victims.slice(0, n)) {
      unlink(c);
      evicted++;
      options.onEvict?.(c.id);
    }
    exact = new Map([...exact].filter(([, c]) => c.live));
    const sweep = (node: Node) => {
      compact(node.clusters);
      for (const child of node.children.values()) sweep(child);
    };
    for (const node of root.values()) sweep(node);
  };

  // `masked` is the message after maskMessage: its tokens joined by one space.
  const addMasked = (masked: string): number => {
    tick++;
    const hit = exact.get(masked);
    if (hit?.live) {
      hit.size++;
      hit.lastSeen = tick;
      return hit.id;
    }
    // Kept (as a key and maybe as template tokens): copied out of its chunk of input (a
    // one-word message is a slice of its line).
    const key = detach(masked);
    const tokens = key.split(' ');
    const leaf = leafFor(tokens).clusters;
    const [found, sim] = best(leaf, tokens);
    let cluster = found;
    if (cluster && sim >= st) {
      const tpl = cluster.tokens;
      for (let i = 0; i < tpl.length; i++) {
        if (tpl[i] !== tokens[i] && tpl[i] !== WILDCARD) {
          tpl[i] = WILDCARD;
          cluster.params[i] = 1;
          dirty = true;
        }
      }
      cluster.size++;
    } else {
      cluster = { id: nextId++, tokens, params: paramFlags(tokens), size: 1, lastSeen: tick, live: true };
      leaf.push(cluster);
      byId.set(cluster.id, cluster);
      live++;
      dirty = true;
      if (live > maxClusters) evict();
    }
    cluster.lastSeen = tick;
    if (exact.size >= exactCap) exact = new Map();
    exact.set(key, cluster);
    return cluster.id;
  };

  const add = (message: string): number => addMasked(maskMessage(message));

  // Clusters whose templates ended up identical are one template (the reference implementation
  // also identifies templates by their text); merge them, keeping the oldest id. A template that
  // equals another plus one extra parameter token next to a parameter (`chrome.exe *64 - …`
  // against `chrome.exe - …`) is the same message with a parameter that printed as two words.
  const mergeDuplicates = () => {
    if (!dirty) return;
    dirty = false;
    const seen = new Map<string, Cluster>();
    const byLen = new Map<number, Cluster[]>();
    const ordered = [...byId.values()].sort((a, b) => a.tokens.length - b.tokens.length || a.id - b.id);
    const merge = (into: Cluster, c: Cluster) => {
      into.size += c.size;
      into.lastSeen = Math.max(into.lastSeen, c.lastSeen);
      unlink(c);
      parent.set(c.id, into.id);
    };
    for (const c of ordered) {
      const key = c.tokens.join(' ');
      const same = seen.get(key);
      if (same) {
        merge(same, c);
        continue;
      }
      const shorter = c.tokens.length > 2 ? findShorter(c.tokens, byLen.get(c.tokens.length - 1) ?? []) : undefined;
      if (shorter) {
        merge(shorter, c);
        continue;
      }
      seen.set(key, c);
      let list = byLen.get(c.tokens.length);
      if (!list) byLen.set(c.tokens.length, (list = []));
      list.push(c);
    }
  };

  return {
    add,
    addMasked,
    resolve: (id) => {
      mergeDuplicates();
      return resolve(id);
    },
    clusters: () => {
      mergeDuplicates();
      return [...byId.values()].sort((a, b) => b.size - a.size || a.id - b.id).map((c) => ({ id: c.id, tokens: c.tokens, size: c.size }));
    },
    template: (id) => {
      mergeDuplicates();
      const c = byId.get(resolve(id));
      return c && templateText(c.tokens);
    },
    get evicted() {
      return evicted;
    },
  };
}
