import { FAULT_PROFILE_RATE_FIELDS, type Fault, type FaultProfile, type FaultProfileRateField } from './config';
import { jsonReply, type Reply } from './reply';

/**
 * Turns queued faults and fault profile draws into one plan per request, so
 * that the server applies both kinds of fault with the same code.
 */

/** Action of a fault on one API request. */
export type FaultPlan =
  /** Sends `reply` in place of the real response. The real handler does not run. */
  | { action: 'reply'; reply: Reply }
  /** Destroys the connection before or after the real handler runs. */
  | { action: 'drop'; when: 'before' | 'after' }
  /** Waits `ms` milliseconds, then responds normally. */
  | { action: 'delay'; ms: number }
  /** Runs the real handler, then sends its response cut off within the body. */
  | { action: 'truncate'; status: number; keepBytes?: number };

/** A fault chosen for one request, with the name that `stats().faults` counts it under. */
export interface PlannedFault {
  name: string;
  plan: FaultPlan;
}

/** Names under which `stats().faults` counts the outcomes of a fault profile. */
export const PROFILE_FAULT_NAMES: Record<FaultProfileRateField, string> = {
  serverErrorRate: 'server-error',
  rateLimitRate: 'rate-limit',
  dropBeforeRate: 'drop-before',
  dropAfterRate: 'drop-after',
  garbageRate: 'garbage',
  truncateRate: 'truncate',
};

/** Body of the garbage responses of a fault profile, as an HTML error page of a proxy would send. */
export const PROFILE_GARBAGE_BODY = '<html>upstream error</html>';

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function injectedErrorReply(status: number, headers: Record<string, string> = {}): Reply {
  const message = `Fault injected by the emulator: HTTP ${status}`;
  return jsonReply(status, { code: status, message }, headers);
}

function faultReply(fault: Extract<Fault, { kind: 'status' | 'garbage' }>): Reply {
  if (fault.kind === 'garbage') {
    return { status: fault.status, headers: { 'content-type': fault.contentType }, body: fault.body };
  }

  const extraHeaders = lowerCaseKeys(fault.headers ?? {});
  if (fault.body === undefined) {
    return injectedErrorReply(fault.status, extraHeaders);
  }
  if (typeof fault.body === 'string') {
    const headers = { 'content-type': 'text/plain; charset=utf-8', ...extraHeaders };
    return { status: fault.status, headers, body: fault.body };
  }
  return jsonReply(fault.status, fault.body, extraHeaders);
}

/** Plans a fault taken from the queue. `stats().faults` counts it under its `kind`. */
export function planQueuedFault(fault: Fault): PlannedFault {
  switch (fault.kind) {
    case 'status':
    case 'garbage':
      return { name: fault.kind, plan: { action: 'reply', reply: faultReply(fault) } };
    case 'drop':
      return { name: fault.kind, plan: { action: 'drop', when: fault.when } };
    case 'delay':
      return { name: fault.kind, plan: { action: 'delay', ms: fault.ms } };
    case 'truncate':
      return { name: fault.kind, plan: { action: 'truncate', status: fault.status, keepBytes: fault.keepBytes } };
    default:
      throw new TypeError(`Unsupported fault: ${JSON.stringify(fault)}`);
  }
}

/**
 * Creates a mulberry32 generator, a small 32-bit PRNG, from `seed`. Each call
 * returns a number in [0, 1). It is good enough to pick faults, but not for
 * cryptography.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Outcome of one request under a fault profile. */
export interface ProfileDraw {
  /** Fault to apply, or undefined for a normal response. */
  fault?: PlannedFault;
  /** Extra delay before the response, in milliseconds. */
  latencyMs: number;
}

/** Draws the outcomes of a fault profile. A seeded profile repeats its sequence from each new sampler. */
export class FaultProfileSampler {
  private readonly random: () => number;

  constructor(readonly profile: FaultProfile) {
    this.random = profile.seed === undefined ? Math.random : mulberry32(profile.seed);
  }

  appliesTo(method: string): boolean {
    return (this.profile.methods as readonly string[]).includes(method);
  }

  /**
   * Draws the outcome of one request, then its latency when the latency range
   * is not empty. The order is fixed, so a seeded profile gives the same
   * outcomes for the same sequence of requests.
   */
  draw(): ProfileDraw {
    const fault = this.pickFault(this.random());
    const { min, max } = this.profile.latencyMs;
    const latencyMs = max > min ? min + this.random() * (max - min) : min;
    return { fault, latencyMs };
  }

  private pickFault(draw: number): PlannedFault | undefined {
    let sliceStart = 0;
    for (const field of FAULT_PROFILE_RATE_FIELDS) {
      const rate = this.profile[field];
      if (draw < sliceStart + rate) {
        // The position within the slice, in [0, 1), picks the server error
        // status, so one draw decides both the outcome and the status.
        const position = (draw - sliceStart) / rate;
        return { name: PROFILE_FAULT_NAMES[field], plan: this.plan(field, position) };
      }
      sliceStart += rate;
    }
    return undefined;
  }

  private plan(field: FaultProfileRateField, position: number): FaultPlan {
    switch (field) {
      case 'serverErrorRate': {
        const statuses = this.profile.serverErrorStatuses;
        const index = Math.min(Math.floor(position * statuses.length), statuses.length - 1);
        return { action: 'reply', reply: injectedErrorReply(statuses[index] as number) };
      }
      case 'rateLimitRate': {
        const retryAfter = String(this.profile.retryAfterSeconds);
        return { action: 'reply', reply: injectedErrorReply(429, { 'retry-after': retryAfter }) };
      }
      case 'dropBeforeRate':
        return { action: 'drop', when: 'before' };
      case 'dropAfterRate':
        return { action: 'drop', when: 'after' };
      case 'garbageRate':
        return { action: 'reply', reply: { status: 200, headers: { 'content-type': 'text/html' }, body: PROFILE_GARBAGE_BODY } };
      case 'truncateRate':
        return { action: 'truncate', status: 200 };
      default:
        throw new TypeError(`Unsupported fault profile rate: ${String(field)}`);
    }
  }
}
