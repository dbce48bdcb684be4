// One pino root logger; children per interaction. Every object and message goes through the
// redactor before it is written, so a secret cannot reach the log by key or by value.
import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Redactor } from './redact.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  redactor: Redactor;
  /** Where lines go; stdout by default. Tests pass a capture stream. */
  destination?: DestinationStream;
  name?: string;
}

export function createLogger(opts: LoggerOptions): Logger {
  const { redactor } = opts;
  const root = pino(
    {
      name: opts.name ?? 'opsbot',
      level: opts.level,
      base: undefined,
      // formatters.log has already turned an Error under `err` into a scrubbed plain object; running
      // pino's serializer on that again would report its type as "Object".
      serializers: { err: (err: unknown) => (err instanceof Error ? redactor.scrub(pino.stdSerializers.err(err)) : err) },
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactor.scrub(obj),
      },
      hooks: {
        logMethod(args, method) {
          const clean: unknown[] = args.map((a) => (typeof a === 'string' ? redactor.redact(a) : a));
          // Without a message argument pino copies err.message into `msg` after the formatters ran,
          // unredacted; pass it explicitly instead.
          const [first] = clean;
          if (clean.length === 1 && first instanceof Error) {
            clean.splice(0, 1, { err: first }, redactor.redact(first.message));
          } else if (clean.length === 1 && typeof first === 'object' && first !== null && !('msg' in first)) {
            const message = (first as { err?: { message?: unknown } }).err?.message;
            if (typeof message === 'string') clean.push(redactor.redact(message));
          }
          method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
  return redactChildren(root, redactor);
}

// pino writes child bindings without passing them through formatters.log (and resets the
// bindings formatter for grandchildren), so scrub them on the way in, at every level.
function redactChildren(root: Logger, redactor: Redactor): Logger {
  // pino's own child(), from the prototype; each instance gets a wrapper that calls it on itself.
  type ChildFn = (this: Logger, b: pino.Bindings, o?: pino.ChildLoggerOptions) => Logger;
  const pinoChild = Reflect.get(root, 'child') as unknown as ChildFn;
  const wrap = (instance: Logger): Logger => {
    instance.child = ((bindings: pino.Bindings, options?: pino.ChildLoggerOptions) =>
      wrap(pinoChild.call(instance, redactor.scrub(bindings), options))) as unknown as Logger['child'];
    return instance;
  };
  return wrap(root);
}

const toPino: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

function fromPino(l: string): LogLevel {
  if (l === 'debug' || l === 'trace') return LogLevel.DEBUG;
  if (l === 'info') return LogLevel.INFO;
  if (l === 'warn') return LogLevel.WARN;
  return LogLevel.ERROR;
}

function stricter(a: string, b: string): string {
  const v = (l: string) => pino.levels.values[l] ?? Number.POSITIVE_INFINITY;
  return v(a) >= v(b) ? a : b;
}

/** Routes Bolt's own logging through pino (and therefore through redaction). */
export function boltLogger(root: Logger): SlackLogger {
  let log = root.child({ component: 'bolt' });
  // Report the level actually in force, so Bolt's own setLevel(logLevel) call takes effect.
  let level: LogLevel = fromPino(root.level);
  const emit = (lvl: 'debug' | 'info' | 'warn' | 'error', msg: unknown[]) => {
    const err = msg.find((m) => m instanceof Error);
    const text = msg.filter((m) => !(m instanceof Error)).map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
    if (err) log[lvl]({ err }, text || 'bolt error');
    else log[lvl](text);
  };
  return {
    debug: (...msg: unknown[]) => emit('debug', msg),
    info: (...msg: unknown[]) => emit('info', msg),
    warn: (...msg: unknown[]) => emit('warn', msg),
    error: (...msg: unknown[]) => emit('error', msg),
    setLevel(l: LogLevel) {
      // Bolt may quiet itself but never log more than LOG_LEVEL allows.
      level = l;
      log.level = stricter(toPino[l], root.level);
    },
    getLevel: () => level,
    setName(name: string) {
      log = root.child({ component: name });
      log.level = stricter(toPino[level], root.level);
    },
  };
}
