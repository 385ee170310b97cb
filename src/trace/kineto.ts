/**
 * Kineto (torch.profiler) Chrome-trace JSON: the event types Strata reads.
 * Reading: trace/read-kineto.ts. Linking ops, runtime calls and kernels: trace/link.ts.
 */
export interface KinetoEvent {
  ph: string;
  cat?: string;
  name: string;
  pid: number | string;
  tid: number | string;
  ts: number;
  dur?: number;
  args?: Record<string, unknown>;
}

export interface KinetoTrace {
  file: string;
  events: KinetoEvent[];
  deviceProperties?: Array<Record<string, unknown>>;
}

/** Host API calls that put work on the GPU or wait for it (Lin et al.'s "launches"). */
export const LAUNCH_APIS = new Set([
  "cudaLaunchKernel", "cudaLaunchKernelExC", "cuLaunchKernel", "cuLaunchKernelEx",
  "cudaLaunchCooperativeKernel", "cudaGraphLaunch", "cuGraphLaunch",
  "cudaMemcpyAsync", "cudaMemcpy", "cudaMemcpy2DAsync", "cuMemcpyAsync", "cuMemcpyHtoDAsync", "cuMemcpyDtoHAsync",
  "cudaMemsetAsync", "cudaMemset", "cuMemsetD8Async", "cuMemsetD32Async",
]);
export const SYNC_APIS = new Set(["cudaStreamSynchronize", "cudaDeviceSynchronize", "cudaEventSynchronize", "cuStreamSynchronize", "cuCtxSynchronize"]);
export const GPU_CATEGORIES = new Set(["kernel", "gpu_memcpy", "gpu_memset"]);
