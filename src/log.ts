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
  return pino(
    {
      name: opts.name ?? 'opsbot',
      level: opts.level,
      base: undefined,
      serializers: { err: (err: unknown) => redactor.scrub(pino.stdSerializers.err(err as Error)) },
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactor.scrub(obj),
      },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === 'string' ? redactor.redact(a) : a)) as Parameters<typeof method>;
          method.apply(this, clean);
        },
      },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

const toPino: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

/** Routes Bolt's own logging through pino (and therefore through redaction). */
export function boltLogger(root: Logger): SlackLogger {
  let log = root.child({ component: 'bolt' });
  let level: LogLevel = LogLevel.WARN;
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
      level = l;
      log.level = toPino[l];
    },
    getLevel: () => level,
    setName(name: string) {
      log = root.child({ component: name });
      log.level = toPino[level];
    },
  };
}
