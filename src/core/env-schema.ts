// Building blocks of the settings schemas. Each area declares its environment variables as one zod
// object in its own settings.ts, and every field carries what it is for, its default (as it would be
// written in the environment) and an example. Start-up errors, .env.example and the README table
// all read them back from the schema, so a setting is written in one place only.
import { z } from 'zod';
import { ConfigError } from './errors.js';

/** What a setting says about itself besides its rule. */
export interface SettingInfo {
  /** What the setting is for: shown in start-up errors, .env.example and the README. */
  doc: string;
  /** Its value is redacted from every log line, message and error. */
  secret?: boolean;
  /** A value as it would be written in the environment (for a secret: its shape only). */
  example?: string;
}

/** A setting read back from its schema, for documentation and error messages. */
export interface SettingDoc {
  doc: string;
  secret: boolean;
  example: string | undefined;
  /** The default as written in the environment; undefined when the setting has none. */
  default: string | undefined;
}

/**
 * One environment variable. A default is the text an operator would write (it is parsed by the
 * same rule as their own value); a setting without one is optional here and says what a value
 * looks like. Whether the bot or a command cannot run without it is decided by src/app/config.ts.
 */
export function setting<T extends z.ZodType>(schema: T, info: SettingInfo & { default: string }): z.ZodPrefault<T>;
export function setting<T extends z.ZodType>(schema: T, info: SettingInfo & { example: string }): z.ZodOptional<T>;
export function setting(schema: z.ZodType, info: SettingInfo & { default?: string }): z.ZodType {
  const base = info.default === undefined ? schema.optional() : schema.prefault(info.default);
  return base.meta({
    description: info.doc,
    ...(info.example !== undefined ? { example: info.example } : {}),
    ...(info.secret ? { secret: true } : {}),
  });
}

/** The settings of one area, with a title and a line about them for the generated documentation. */
export function settingsArea<S extends z.ZodRawShape>(title: string, about: string, shape: S): z.ZodObject<S> {
  return z.object(shape).meta({ title, description: about });
}

/** The title and line of an area, as given to `settingsArea`. */
export function areaDoc(area: z.ZodObject): { title: string; about: string } {
  const meta = area.meta();
  return { title: meta?.title ?? '', about: meta?.description ?? '' };
}

/** Reads back what `setting` recorded. */
export function settingDoc(field: z.ZodType): SettingDoc {
  const meta = field.meta() ?? {};
  const fallback: unknown = field instanceof z.ZodPrefault || field instanceof z.ZodDefault ? field.def.defaultValue : undefined;
  return {
    doc: typeof meta.description === 'string' ? meta.description : '',
    secret: meta.secret === true,
    example: typeof meta.example === 'string' ? meta.example : undefined,
    default: fallback === undefined ? undefined : asWritten(fallback),
  };
}

/** A default as an operator would write it; `setting` stores text already, a plain zod default may not. */
function asWritten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => asWritten(v)).join(',');
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** The variables named by `keys`; empty strings count as unset, so a blank `.env` line means the default. */
export function envValues(raw: Record<string, string | undefined>, keys: readonly string[]): Record<string, string | undefined> {
  return Object.fromEntries(keys.map((k) => [k, raw[k] === '' ? undefined : raw[k]]));
}

/** One problem as a line: the variable, what is wrong with it, and what it is for. */
export function describeIssue(issue: z.core.$ZodIssue, shape: z.ZodRawShape, env: Record<string, string | undefined>): string {
  const key = String(issue.path[0] ?? '');
  const field = Object.hasOwn(shape, key) ? (shape[key] as z.ZodType) : undefined;
  const missing = env[key] === undefined;
  const problem = missing && issue.code === 'invalid_type' ? 'is missing' : issue.message.replace(/^Invalid input: /, '');
  return field ? `${key} ${problem} — ${settingDoc(field).doc}` : `${key || '(settings)'} ${problem}`;
}

/** Parses one area's variables on their own; throws ConfigError listing every problem. */
export function parseArea<S extends z.ZodRawShape>(area: z.ZodObject<S>, raw: Record<string, string | undefined>): z.output<z.ZodObject<S>> {
  const env = envValues(raw, Object.keys(area.shape));
  const parsed = area.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => describeIssue(i, area.shape, env)));
  return parsed.data;
}

// Rules shared by several areas. Each says its whole rule whichever part failed, because the
// operator reads the message at a failed start, e.g. "must be a whole number from 1 to 3".

/** A whole number in [min, max]. */
export const int = (min: number, max: number) => {
  const rule = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: rule }).int(rule).min(min, rule).max(max, rule);
};

/** A number in [min, max]. */
export const num = (min: number, max: number) => {
  const rule = `must be a number from ${min} to ${max}`;
  return z.coerce.number({ error: rule }).min(min, rule).max(max, rule);
};

/** true/false, 1/0 or yes/no. */
export const flag = () =>
  z.enum(['true', 'false', '1', '0', 'yes', 'no'], 'must be true/false, 1/0 or yes/no').transform((v) => v === 'true' || v === '1' || v === 'yes');

export const pgUrl = () =>
  z
    .string()
    .trim()
    .refine((s) => /^postgres(ql)?:\/\//.test(s) && URL.canParse(s), 'must be a postgres:// or postgresql:// URL');

export const httpUrl = () =>
  z
    .string()
    .trim()
    .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must be an http(s):// URL');

/** A comma-separated list of Slack ids (users or channels); empty is an empty list. */
export const slackIdList = () =>
  z
    .string()
    .trim()
    .transform((s) => (s === '' ? [] : s.split(',').map((x) => x.trim()).filter(Boolean)))
    .pipe(z.array(z.string().regex(/^[A-Z0-9]+$/, 'each id must be a Slack id such as U012ABCDEF')));

/** A public or private channel id, exactly as Slack writes it. */
export const channelId = () => z.string().regex(/^[CG][A-Z0-9]+$/, 'must be a channel id such as C012ABCDEF');

type Intersect<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/**
 * One object of every area's variables. A name declared by two areas is a programming error that
 * would silently keep only one rule, so it stops the start.
 */
export function composeAreas<const A extends readonly z.ZodObject[]>(areas: A): z.ZodObject<Extract<Intersect<A[number]['shape']>, z.core.$ZodShape>> {
  const owner = new Map<string, string>();
  const shape: Record<string, z.ZodType> = {};
  const typed: readonly z.ZodObject<Record<string, z.ZodType>>[] = areas;
  for (const area of typed) {
    for (const [key, field] of Object.entries(area.shape)) {
      const other = owner.get(key);
      if (other !== undefined) throw new Error(`setting ${key} is declared by both ${other} and ${areaDoc(area).title}`);
      owner.set(key, areaDoc(area).title);
      shape[key] = field;
    }
  }
  return z.object(shape) as unknown as z.ZodObject<Extract<Intersect<A[number]['shape']>, z.core.$ZodShape>>;
}
