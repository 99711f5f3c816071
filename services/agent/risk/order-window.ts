/**
 * The times of the orders sent in the last window (a minute), for max_orders_per_minute. Times
 * arrive in order, so expired ones are dropped from the front: counting costs O(1) amortised,
 * where filtering the whole list cost O(orders in the window) per signal (120,000 a minute at
 * 2,000 signals/s). Should the clock step back, a few expired times are counted a little longer:
 * the limit errs towards refusing.
 */
export class OrderWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  /** Orders sent within the window before `now`. */
  count(now: number): number {
    while (this.head < this.times.length && now - this.times[this.head]! >= this.windowMs) this.head++;
    // Drop the expired prefix once it is most of the array, so memory follows the window.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }
}
