/**
 * Counts failed logins per username in a sliding window, so that guessing a
 * password gets 429 whether or not the username exists.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 5,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the next attempt is allowed, or 0 when it is allowed now. */
  retryAfterSeconds(username: string): number {
    const recent = this.recentFailures(username);
    const oldest = recent[0];
    if (recent.length < this.maxFailures || oldest === undefined) return 0;
    return Math.max(1, Math.ceil((oldest + this.windowMs - this.now()) / 1000));
  }

  recordFailure(username: string): void {
    this.failures.set(key(username), [...this.recentFailures(username), this.now()]);
  }

  recordSuccess(username: string): void {
    this.failures.delete(key(username));
  }

  private recentFailures(username: string): number[] {
    const since = this.now() - this.windowMs;
    const recent = (this.failures.get(key(username)) ?? []).filter((time) => time > since);
    if (recent.length === 0) this.failures.delete(key(username));
    return recent;
  }
}

function key(username: string): string {
  return username.trim().toLowerCase();
}
