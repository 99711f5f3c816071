/**
 * A circuit breaker per broker: repeated errors open it for a cool-down, after which one order is
 * let through to probe the broker; its success closes the breaker, its failure opens it again.
 */
export interface BreakerSettings {
  maxErrors: number;
  windowMs: number;
  cooldownMs: number;
}

export type BreakerState = { state: "closed" } | { state: "open"; untilMs: number } | { state: "half-open" };

export class CircuitBreaker {
  private errors: number[] = [];
  private openUntil: number | undefined;
  private probing = false;

  constructor(private readonly settings: BreakerSettings) {}

  state(now: number): BreakerState {
    if (this.openUntil === undefined) return { state: "closed" };
    if (now < this.openUntil) return { state: "open", untilMs: this.openUntil };
    return { state: "half-open" };
  }

  /** Whether an order may go out now; in half-open state only one probe at a time. */
  allow(now: number): boolean {
    const current = this.state(now);
    if (current.state === "closed") return true;
    if (current.state === "open" || this.probing) return false;
    this.probing = true;
    return true;
  }

  recordSuccess(): void {
    this.errors = [];
    this.openUntil = undefined;
    this.probing = false;
  }

  recordError(now: number): void {
    this.probing = false;
    if (this.openUntil !== undefined && now >= this.openUntil) {
      // The probe failed: open again straight away.
      this.openUntil = now + this.settings.cooldownMs;
      return;
    }
    this.errors = this.errors.filter((at) => now - at < this.settings.windowMs);
    this.errors.push(now);
    if (this.errors.length >= this.settings.maxErrors) {
      this.openUntil = now + this.settings.cooldownMs;
      this.errors = [];
    }
  }
}
