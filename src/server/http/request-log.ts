import {
  LogController,
  type FastifyBaseLogger,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import type { Bindings, ChildLoggerOptions, LogFn } from 'pino';
import { maskPortalToken } from '../portal';

/**
 * The request log: one line per request, when it completes (request id, method, masked URL, status, time),
 * instead of Fastify's two. Health probes from load balancers are not logged. Nothing here runs for a
 * level that is off, and no per-request logger is made unless something logs through it.
 */

const RUN = /[^/?&=@\s]+/g;

/**
 * Logs carry no message content and no full recipient addresses: local parts are masked ("bob@x.org" and
 * "bob%40x.org" become "***@x.org" and "***%40x.org"). In linear time: every request is logged, before
 * sign-in, and the backtracking pattern this replaces, /[^/?&=@\s]+(@|%40)/g, took a quarter of a second
 * on a 16 KB URL.
 */
export function maskAddresses(text: string): string {
  if (!text.includes('@') && !text.includes('%40')) return text;
  return text.replace(RUN, (run: string, offset: number) => {
    if (text[offset + run.length] === '@') return '***';
    const escaped = run.lastIndexOf('%40');
    return escaped > 0 ? `***${run.slice(escaped)}` : run;
  });
}

/**
 * The only request fields a log line holds. Headers never reach the log (no Authorization, no cookies),
 * which is why the logger needs no redaction pass.
 */
export function requestFields(request: { method: string; url: string }): { method: string; url: string } {
  return { method: request.method, url: maskPortalToken(maskAddresses(request.url)) };
}

export class RequestLogController extends LogController {
  constructor() {
    super({ disableRequestLogging: (request) => request.url === '/healthz' || request.url === '/readyz' });
  }
  override incomingRequest(): void {
    // Logged once, on completion.
  }
  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    // Through the root logger with the request id, as the request's own logger would write it, so a
    // request that logs nothing else never makes that logger.
    const log = request.server.log;
    if (!(error ? enabled(log, 'error') : enabled(log, 'info')) || this.isLogDisabled(request)) return;
    const line = {
      reqId: request.id,
      req: request,
      res: reply,
      responseTime: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) log.error({ ...line, err: error }, 'request errored');
    else log.info(line, 'request completed');
  }
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Pino's level check where the logger has one; any other logger is asked to log and decides itself. */
function enabled(log: FastifyBaseLogger, level: Level): boolean {
  const check = (log as Partial<{ isLevelEnabled(level: string): boolean }>).isLevelEnabled;
  return check ? check.call(log, level) : true;
}

/**
 * request.log, made when first used: the pino child that stamps every line with the request id costs a
 * little on each request, and a cached lookup logs nothing through it. A child with its own level
 * (a route's logLevel) is made at once, since the parent's level would not tell what it logs.
 */
export const lazyChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = (
  logger,
  bindings,
  options,
) =>
  options.level === undefined ? new LazyChild(logger, bindings, options) : logger.child(bindings, options);

class LazyChild implements FastifyBaseLogger {
  #made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get made(): FastifyBaseLogger {
    this.#made ??= this.parent.child(this.bindings, this.options);
    return this.#made;
  }

  get level(): string {
    return this.#made?.level ?? this.parent.level;
  }
  set level(level: string) {
    this.made.level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.made.child(bindings, options);
  }

  fatal(...args: unknown[]): void {
    this.forward('fatal', args);
  }
  error(...args: unknown[]): void {
    this.forward('error', args);
  }
  warn(...args: unknown[]): void {
    this.forward('warn', args);
  }
  info(...args: unknown[]): void {
    this.forward('info', args);
  }
  debug(...args: unknown[]): void {
    this.forward('debug', args);
  }
  trace(...args: unknown[]): void {
    this.forward('trace', args);
  }
  silent(): void {
    // Pino's "silent" logs nothing.
  }

  private forward(level: Level, args: unknown[]): void {
    // A level that is off costs nothing, not even the child.
    if (this.#made === undefined && !enabled(this.parent, level)) return;
    this.made[level](...(args as Parameters<LogFn>));
  }
}
