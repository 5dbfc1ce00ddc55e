/**
 * Dinic's maximum flow on typed arrays, reused across solves (bandwidth regions and baselines re-solve the same
 * graph shape many times, so buffers are kept and only grown). Arcs come in pairs e, e^1 and each pair carries
 * a capacity in both directions, which halves the arcs of the cut constructions (cost one way, infinity back).
 */
export class FlowNetwork {
  nodeCount = 0;
  private arcCount = 0;
  private head = new Int32Array(16);
  private next = new Int32Array(16);
  private to = new Int32Array(16);
  private cap = new Float64Array(16);
  private level = new Int32Array(16);
  private current = new Int32Array(16);
  private queue = new Int32Array(16);
  private path = new Int32Array(16);
  /** Residual capacities at or below this are treated as saturated (rounding of accumulated float flows). */
  private eps = 0;

  reset(nodeCount: number): void {
    this.nodeCount = nodeCount;
    this.arcCount = 0;
    if (this.head.length < nodeCount) {
      const size = Math.max(nodeCount, this.head.length * 2);
      this.head = new Int32Array(size);
      this.level = new Int32Array(size);
      this.current = new Int32Array(size);
      this.queue = new Int32Array(size);
      this.path = new Int32Array(size);
    }
    this.head.fill(-1, 0, nodeCount);
  }

  /** Arc u→v with capacity `cap` and v→u with `back`. Zero-capacity pairs are skipped. */
  addArc(u: number, v: number, cap: number, back = 0): void {
    if (cap <= 0 && back <= 0) return;
    if (this.arcCount + 2 > this.to.length) this.growArcs();
    const e = this.arcCount;
    this.to[e] = v;
    this.cap[e] = cap;
    this.next[e] = this.head[u];
    this.head[u] = e;
    this.to[e + 1] = u;
    this.cap[e + 1] = back;
    this.next[e + 1] = this.head[v];
    this.head[v] = e + 1;
    this.arcCount += 2;
  }

  /** Runs Dinic from s to t; returns the flow value. `checkTime` runs once per phase and may throw to stop. */
  maxFlow(s: number, t: number, checkTime?: () => void): number {
    let maxCap = 0;
    for (let e = 0; e < this.arcCount; e++) if (this.cap[e] !== Infinity && this.cap[e] > maxCap) maxCap = this.cap[e];
    this.eps = maxCap * 1e-13;
    let flow = 0;
    while (this.bfs(s, t)) {
      checkTime?.();
      this.current.set(this.head.subarray(0, this.nodeCount));
      flow += this.augmentAll(s, t);
    }
    return flow;
  }

  /** After maxFlow: whether v is on the source side of the minimum cut. */
  sourceSide(): Uint8Array {
    // The last, failed BFS of maxFlow explored the whole residual graph from s: its levels are the source side.
    const seen = new Uint8Array(this.nodeCount);
    for (let v = 0; v < this.nodeCount; v++) seen[v] = this.level[v] >= 0 ? 1 : 0;
    return seen;
  }

  /** Breadth-first levels from s over unsaturated arcs; true when t is reached. */
  private bfs(s: number, t: number): boolean {
    const { level, queue, head, next, to, cap, eps } = this;
    level.fill(-1, 0, this.nodeCount);
    level[s] = 0;
    queue[0] = s;
    let qHead = 0;
    let qTail = 1;
    while (qHead < qTail) {
      const u = queue[qHead++];
      // Nodes at t's level or beyond cannot be on a shortest augmenting path. (A failed BFS explores everything.)
      if (level[t] >= 0 && level[u] >= level[t]) break;
      for (let e = head[u]; e >= 0; e = next[e]) {
        const v = to[e];
        if (level[v] < 0 && cap[e] > eps) {
          level[v] = level[u] + 1;
          queue[qTail++] = v;
        }
      }
    }
    return level[t] >= 0;
  }

  /** Blocking flow on the level graph, with an explicit path stack (paths can be longer than the call stack). */
  private augmentAll(s: number, t: number): number {
    const { level, current, next, to, cap, path, eps } = this;
    let total = 0;
    let depth = 0;
    let u = s;
    for (;;) {
      if (u === t) {
        let bottleneck = Infinity;
        let cut = 0;
        for (let i = 0; i < depth; i++) {
          if (cap[path[i]] < bottleneck) {
            bottleneck = cap[path[i]];
            cut = i;
          }
        }
        if (bottleneck === Infinity) throw new Error('unbounded flow: the cut problem has no finite solution');
        for (let i = 0; i < depth; i++) {
          cap[path[i]] -= bottleneck;
          cap[path[i] ^ 1] += bottleneck;
        }
        total += bottleneck;
        depth = cut; // retreat to the tail of the first saturated arc
        u = depth === 0 ? s : to[path[depth - 1]];
        continue;
      }
      let e = current[u];
      while (e >= 0 && !(cap[e] > eps && level[to[e]] === level[u] + 1)) e = next[e];
      current[u] = e;
      if (e >= 0) {
        path[depth++] = e;
        u = to[e];
      } else {
        level[u] = -1; // dead end for this phase
        if (depth === 0) return total;
        const back = path[--depth];
        u = to[back ^ 1];
        current[u] = next[current[u]];
      }
    }
  }

  private growArcs(): void {
    const size = this.to.length * 2;
    const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.next = grow(this.next);
    this.to = grow(this.to);
    const cap = new Float64Array(size);
    cap.set(this.cap);
    this.cap = cap;
  }
}
