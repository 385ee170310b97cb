/**
 * The execution graph of one step as the host runs it: a sequence of host-side ops, each
 * with the CPU overheads of Lin et al. (HiPC 2022, Sec. III: T1-T5) and the GPU work it
 * launches. Plain data: simulators, timelines and reports read it; nothing here knows specs.
 */
import type { KernelWork } from "../perf/kernel.js";

/** Where an op's time is reported in breakdowns. */
export type OpCategory =
  | "bottom-mlp"
  | "embedding"
  | "interaction"
  | "top-mlp"
  | "loss"
  | "optimizer"
  | "communication"
  | "framework";

export type Phase = "forward" | "backward" | "optimizer";

/** Host overheads of one op, microseconds (Lin et al. Sec. III). */
export interface HostOverheads {
  /** Gap between the previous op's end and this op's start (framework, Python). */
  t1: number;
  /** Op start to its first launch. */
  t2: number;
  /** Last launch's end to the op's end. */
  t3: number;
  /** One launch call (cudaLaunchKernel and friends). */
  t4: number;
  /** Gap between consecutive launches inside the op. */
  t5: number;
}

export interface Kernel {
  name: string;
  work: KernelWork;
  stream: number;
  /** Filled by the kernel models (or taken from a trace). */
  durationUs: number;
  /** Streams whose work enqueued so far must finish first (cudaEventRecord + cudaStreamWaitEvent). */
  waitStreams?: number[];
  /** A collective: every rank's kernel with this key starts when the last of them is ready, and all end together. */
  collective?: string;
}

/** Per-launch host costs, when known exactly (a replayed trace); else the op's T4 and T5. */
export interface LaunchHost {
  /** This launch call's duration (T4). */
  callUs?: number;
  /** Gap before this call since the previous one in the op (T5). */
  gapUs?: number;
}

export type Launch =
  | ({ kind: "kernel"; kernel: Kernel } & LaunchHost)
  /** The host waits until every stream has drained (cudaStreamSynchronize after a pageable copy, a D2H read). */
  | ({ kind: "sync"; reason: string } & LaunchHost);

export interface HostOp {
  name: string;
  category: OpCategory;
  phase: Phase;
  overheads: HostOverheads;
  launches: Launch[];
}

export interface ExecutionGraph {
  name: string;
  ops: HostOp[];
  /** Streams the GPU work uses (stream 0 is the default stream). */
  streams: number;
  /** Time from a launch call's return to its kernel's start on an idle stream, us (default 0). */
  launchLatencyUs?: number;
  /** Per stream, until when work queued before the step keeps it busy (us from the start); default idle. */
  streamBusyAtStartUs?: number[];
}
