/**
 * The wait of a polling loop that new work can cut short: `sleep(ms)` resolves after `ms` or at
 * `wake()`, whichever comes first (a wake with nobody asleep does nothing).
 */
export class Sleeper {
  private wakeUp: (() => void) | null = null;

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  wake(): void {
    this.wakeUp?.();
  }
}
