/**
 * Server processes on fixed ports that the chaos test kills and restarts, and
 * the bookkeeping that tells a crash from a kill: an exit nobody asked for is
 * recorded, and the test fails on it.
 */
import { startServerNode, type ServerNode } from '../../support/server-node.js';

export interface GroupNode {
  name: string;
  port: number;
  url: string;
  current: ServerNode;
  /** False while killed or restarting: no command and no new connection goes there. */
  alive: boolean;
  /** Set before a kill the test asked for (or expects, with the failpoint). */
  exitExpected: boolean;
}

export class NodeGroup {
  readonly nodes: GroupNode[] = [];
  /** Exits nobody asked for, with the end of the node's output. */
  readonly crashes: string[] = [];
  private turn = 0;

  private constructor(private readonly env: Record<string, string>) {}

  static async start(count: number, env: Record<string, string>): Promise<NodeGroup> {
    const group = new NodeGroup(env);
    const started = await Promise.all(
      Array.from({ length: count }, () => startServerNode({ env: group.env })),
    );
    for (const [i, node] of started.entries()) {
      const entry: GroupNode = {
        name: String.fromCharCode(65 + i),
        port: node.port,
        url: node.url,
        current: node,
        alive: true,
        exitExpected: false,
      };
      group.watch(entry);
      group.nodes.push(entry);
    }
    return group;
  }

  /** The next live node, in turn (the TCP front's and the driver's choice); any node if none is. */
  pick(): GroupNode {
    const live = this.nodes.filter((n) => n.alive);
    if (live.length === 0) return this.nodes[0]!;
    this.turn = (this.turn + 1) % live.length;
    return live[this.turn]!;
  }

  async kill(node: GroupNode): Promise<void> {
    node.alive = false;
    node.exitExpected = true;
    await node.current.kill();
  }

  /** Starts the node again on its port, with extra environment (a failpoint). */
  async restart(node: GroupNode, extraEnv: Record<string, string> = {}): Promise<void> {
    node.current = await startServerNode({ env: { ...this.env, ...extraEnv }, port: node.port });
    node.exitExpected = false;
    this.watch(node);
    node.alive = true;
  }

  async stopAll(): Promise<void> {
    for (const node of this.nodes) {
      node.alive = false;
      node.exitExpected = true;
    }
    await Promise.all(this.nodes.map((n) => n.current.stop()));
  }

  private watch(node: GroupNode): void {
    const process = node.current;
    void process.exited.then((code) => {
      if (node.current !== process || node.exitExpected) return;
      node.alive = false;
      this.crashes.push(`node ${node.name} exited (${code}):\n${process.output().slice(-3000)}`);
    });
  }
}
