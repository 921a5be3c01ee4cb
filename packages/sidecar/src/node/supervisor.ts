/**
 * Runs the sidecar's node as a child process: its output goes to the log (component `sidecar.node`)
 * and a ring of recent lines for the status endpoint; when it exits unasked it is started again after
 * a backoff that doubles from `minMs` to `maxMs` and resets once the node stayed up for a minute.
 * Attach mode (no command) supervises nothing: the health checks alone watch the node.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Logger } from "@mzku/log";

export interface SupervisorOptions {
  readonly command: readonly string[];
  readonly minMs: number;
  readonly maxMs: number;
  /** Lines of output kept for the status endpoint. */
  readonly keepLines?: number;
  readonly onRestart?: () => void;
}

const STABLE_MS = 60_000;

export class NodeSupervisor {
  private child: ChildProcess | undefined;
  private stopping = false;
  private delay: number;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private readonly lines: string[] = [];
  restarts = 0;

  constructor(
    private readonly options: SupervisorOptions,
    private readonly log: Logger,
  ) {
    this.delay = options.minMs;
  }

  /** The running child's pid (undefined between a crash and its restart). */
  get pid(): number | undefined {
    const c = this.child;
    return c && c.exitCode === null && c.signalCode === null ? c.pid : undefined;
  }

  /** Recent output lines of the node. */
  recentOutput(): readonly string[] {
    return this.lines;
  }

  start(): void {
    this.stopping = false;
    this.spawn();
  }

  /** SIGTERM, then SIGKILL after `graceMs`; no restart afterwards. */
  async stop(graceMs = 5_000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(kill);
  }

  private spawn(): void {
    const [program, ...args] = this.options.command;
    if (!program) return;
    const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    this.startedAt = Date.now();
    this.log.info("node started", { pid: child.pid, program });
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) {
        if (!line.trim()) continue;
        this.lines.push(line);
        if (this.lines.length > (this.options.keepLines ?? 200)) this.lines.shift();
        this.log.debug("node output", { line });
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("error", (error) => this.log.error("node failed to start", { program, error: error.message }));
    child.once("exit", (code, signal) => {
      if (this.stopping) {
        this.log.info("node stopped", { code, signal });
        return;
      }
      if (Date.now() - this.startedAt > STABLE_MS) this.delay = this.options.minMs;
      this.log.warn("node exited; restarting", { code, signal, delayMs: this.delay });
      this.timer = setTimeout(() => {
        this.restarts += 1;
        this.options.onRestart?.();
        this.spawn();
      }, this.delay);
      this.delay = Math.min(this.delay * 2, this.options.maxMs);
    });
  }
}
