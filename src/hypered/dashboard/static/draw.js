// The order plots are drawn in: one per task, so clicks and scrolling are answered in between;
// those on screen first (each painted before the next starts), then the rest in page order. A
// 10,000-trial study's plots take 100-250 ms each: drawn all at once they would freeze the page.

const NEAR_PX = 200; // this close to the viewport counts as on screen

function onScreen(node) {
  const box = node.getBoundingClientRect();
  return box.width > 0 && box.bottom > -NEAR_PX && box.top < window.innerHeight + NEAR_PX;
}

function inPageOrder(a, b) {
  return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

// after the next frame: what was just drawn is painted before the next plot starts
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
// a new task: input waiting meanwhile is handled first
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

export class DrawQueue {
  constructor() {
    this.jobs = new Map(); // element -> async function drawing into it (the latest asked for)
    this.running = null;
    this.failure = null;
    this.count = 0;
  }

  // Draw into `node` with `job` soon; replaces a job for `node` that has not started yet.
  add(node, job) {
    this.jobs.set(node, job);
    if (!this.running) this.running = this.run().finally(() => { this.running = null; });
  }

  // Resolves once every queued plot is drawn; rejects with the first error since the last call.
  async idle() {
    while (this.running) await this.running;
    const failure = this.failure;
    this.failure = null;
    if (failure) throw failure;
  }

  next() {
    for (const node of this.jobs.keys()) if (!node.isConnected) this.jobs.delete(node); // removed meanwhile
    const nodes = [...this.jobs.keys()].sort(inPageOrder);
    return nodes.find(onScreen) ?? nodes[0];
  }

  async run() {
    await nextFrame(); // what the caller drew just before (the first screen) shows first
    while (this.jobs.size) {
      const node = this.next();
      if (!node) return;
      const job = this.jobs.get(node);
      this.jobs.delete(node);
      try {
        await job();
        node.dataset.drawOrder = String(++this.count); // the order plots were drawn in, for tests
      } catch (err) {
        this.failure = this.failure ?? err;
      }
      await (onScreen(node) ? nextFrame() : nextTask());
    }
  }
}
