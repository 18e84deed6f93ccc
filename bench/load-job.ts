/** What the parent asks the load generator for, and what it gets back; both cross the IPC channel as JSON. */

export type Target =
  /** POSTs a fresh, varied submission body each time (see submissions.ts). */
  | { kind: 'submit'; url: string; path: string }
  /** POSTs a fresh inbound SMS as Africa's Talking sends it, form-encoded (see sms-messages.ts). */
  | { kind: 'sms'; url: string; path: string }
  /** GETs pathPrefix + a key drawn at random from keys. */
  | { kind: 'read'; url: string; pathPrefix: string; keys: string[] }
  /** The same request every time, as a browser sends it (the portal's pages and form posts). */
  | {
      kind: 'page';
      url: string;
      method: 'GET' | 'POST';
      path: string;
      headers: Record<string, string>;
      body?: string;
    }
  /**
   * A USSD session per connection, posted hop by hop as Africa's Talking does: the first hop with
   * an empty text and a new session id and caller, each next one with every input so far joined
   * with "*"; after the last, a new session.
   */
  | { kind: 'ussd'; url: string; path: string; inputs: string[] };

export interface LoadJob {
  target: Target;
  connections: number;
  /**
   * USSD only: each session waits a while after every answer before its next hop, as a person
   * reading the screen does, on average this many seconds (drawn at random from half to one and a
   * half times it, so that sessions do not move in step); unset, the next hop goes at once.
   */
  thinkSeconds?: number;
  /** Run for this long... */
  durationSeconds?: number;
  /** ...or until this many requests have been answered. */
  amount?: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  /** Whole milliseconds from autocannon, whose histogram has no finer resolution; paced runs time to 0.01 ms. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  durationSeconds: number;
  /** CPU time the load generator itself used: on a small machine it competes with the server. */
  generatorCpuSeconds: number;
}
