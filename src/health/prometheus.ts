// A strict parser of the Prometheus text exposition format (version 0.0.4), the format of
// Supabase's metrics endpoint. npm's parser for it (parse-prometheus-text-format) has had no
// release in years, ships no types and returns values as strings, so we keep this small one:
// samples with their labels and values, HELP/TYPE comments, and an error with the line number for
// anything that is not the format, rather than a guess that would put a wrong CPU figure in front
// of someone at 3 a.m.

/** One sample line: `name{label="value",…} value [timestamp]`. */
export interface PromSample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
  /** Milliseconds since the epoch, when the line carries one. */
  timestampMs?: number;
}

export interface PromExposition {
  samples: PromSample[];
  /** `# TYPE` of each metric family that declares one (counter, gauge, histogram, summary, untyped). */
  types: ReadonlyMap<string, string>;
}

export class PromParseError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'PromParseError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  // Go's ParseFloat forms: decimal or scientific notation, optional sign. Number() would also take
  // hex, binary and the empty string, none of which are the format.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new PromParseError(line, `"${text.slice(0, 40)}" is not a sample value`);
  return Number(text);
}

/** Reads the label set starting at `{`; returns the labels and the rest of the line after `}`. */
function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after '{'
  const skipSpace = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skipSpace();
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (!name) throw new PromParseError(line, 'expected a label name');
    i += name.length;
    skipSpace();
    if (text[i] !== '=') throw new PromParseError(line, `expected = after label ${name}`);
    i++;
    skipSpace();
    if (text[i] !== '"') throw new PromParseError(line, `expected a quoted value for label ${name}`);
    i++;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new PromParseError(line, `unterminated value of label ${name}`);
      i++;
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i++];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else throw new PromParseError(line, `invalid escape \\${e ?? ''} in label ${name}`);
      } else value += c;
    }
    if (Object.hasOwn(labels, name)) throw new PromParseError(line, `label ${name} appears twice`);
    labels[name] = value;
    skipSpace();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new PromParseError(line, `expected , or } after label ${name}`);
  }
}

/** Parses an exposition; throws PromParseError on the first line that is not the format. */
export function parsePrometheusText(text: string): PromExposition {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = n + 1;
    const raw = lines[n]!.replace(/\r$/, '');
    const l = raw.replace(/^[ \t]+/, '');
    if (l === '') continue;
    if (l.startsWith('#')) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(l);
      if (!m) continue; // other comments are allowed and carry nothing
      const family = m[2]!;
      if (METRIC_NAME.exec(family)?.[0] !== family) throw new PromParseError(line, `invalid metric name "${family.slice(0, 40)}"`);
      if (m[1] === 'TYPE') {
        const type = (m[3] ?? '').trim();
        if (!TYPES.has(type)) throw new PromParseError(line, `unknown metric type "${type.slice(0, 20)}"`);
        if (types.has(family)) throw new PromParseError(line, `second TYPE line for ${family}`);
        types.set(family, type);
      }
      continue;
    }
    const name = METRIC_NAME.exec(l)?.[0];
    if (!name) throw new PromParseError(line, 'expected a metric name');
    let rest = l.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
    const fields = rest.trim().split(/[ \t]+/).filter(Boolean);
    if (fields.length === 0) throw new PromParseError(line, `no value for ${name}`);
    if (fields.length > 2) throw new PromParseError(line, `unexpected text after the value of ${name}`);
    const value = parseValue(fields[0]!, line);
    const sample: PromSample = { name, labels, value };
    if (fields[1] !== undefined) {
      if (!/^-?\d+$/.test(fields[1])) throw new PromParseError(line, `"${fields[1].slice(0, 30)}" is not a timestamp`);
      sample.timestampMs = Number(fields[1]);
    }
    samples.push(sample);
  }
  return { samples, types };
}

/** Samples of one metric whose labels include every label in `match`. */
export function samplesOf(exp: PromExposition, name: string, match: Readonly<Record<string, string>> = {}): PromSample[] {
  return exp.samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}
