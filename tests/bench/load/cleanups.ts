/** Things to undo at the end of a measure, newest first, whatever failed before. */
export class Cleanups {
  private readonly steps: (() => Promise<unknown>)[] = [];

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run(log: (message: string) => void): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        await step();
      } catch (error) {
        log(`cleanup failed: ${String(error)}`);
      }
    }
    this.steps.length = 0;
  }
}
