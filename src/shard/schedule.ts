/**
 * One training step on every rank as a schedule of its compute stream and its communication
 * stream, in the order TorchRec and Neo run it (Mudigere et al., ISCA 2022, Sec. 5.2):
 *
 *   compute: embedding fwd | bottom fwd | interaction + top fwd, loss, top bwd | bottom bwd | embedding bwd + update
 *   comm:                  | a2a fwd ............... |                       | a2a bwd .... | dense all-reduce
 *
 * The forward all-to-all starts when every rank has pooled its lookups (a collective waits for
 * its slowest member) and hides behind the bottom MLP; the interaction waits for it. The
 * backward all-to-all hides behind the bottom MLP's backward; the embedding backward waits for
 * it. The dense all-reduce starts when every rank's dense backward is done and hides behind the
 * embedding backward. A layer's backward is taken as twice its forward (two GEMMs per GEMM).
 */

export interface RankWork {
  /** Embedding forward, and backward + update, us. */
  embFwdUs: number;
  embBwdUs: number;
}

export interface StepShape {
  /** Dense GPU time of one rank (bottom MLP, interaction, top MLP, loss, dense update), us. */
  denseUs: number;
  /** The bottom MLP's part of it, us. */
  bottomUs: number;
  a2aUs: number;
  allReduceUs: number;
}

export interface RankPhase {
  rank: number;
  stream: "compute" | "comm";
  name: string;
  startUs: number;
  durUs: number;
}

export interface Schedule {
  /** When each rank's GPU work ends, us. */
  endUs: number[];
  phases: RankPhase[];
}

export function scheduleStep(ranks: RankWork[], s: StepShape): Schedule {
  const bottomFwd = s.bottomUs / 3;
  const bottomBwd = s.bottomUs - bottomFwd;
  const rest = s.denseUs - s.bottomUs;
  const a2aFwdStart = Math.max(...ranks.map((r) => r.embFwdUs));
  const a2aFwdEnd = a2aFwdStart + s.a2aUs;
  const topEnd = ranks.map((r) => Math.max(r.embFwdUs + bottomFwd, a2aFwdEnd) + rest);
  const a2aBwdStart = Math.max(...topEnd);
  const a2aBwdEnd = a2aBwdStart + s.a2aUs;
  const bottomEnd = topEnd.map((t) => t + bottomBwd);
  const allReduceStart = Math.max(a2aBwdEnd, ...bottomEnd);
  const allReduceEnd = allReduceStart + s.allReduceUs;
  const phases: RankPhase[] = [];
  const endUs = ranks.map((r, i) => {
    const embBwdStart = Math.max(a2aBwdEnd, bottomEnd[i]!);
    const topStart = topEnd[i]! - rest;
    phases.push(
      { rank: i, stream: "compute", name: "embedding forward", startUs: 0, durUs: r.embFwdUs },
      { rank: i, stream: "compute", name: "bottom MLP forward", startUs: r.embFwdUs, durUs: bottomFwd },
      { rank: i, stream: "compute", name: "interaction, top MLP, loss (fwd + bwd)", startUs: topStart, durUs: rest },
      { rank: i, stream: "compute", name: "bottom MLP backward", startUs: topEnd[i]!, durUs: bottomBwd },
      { rank: i, stream: "compute", name: "embedding backward + update", startUs: embBwdStart, durUs: r.embBwdUs },
      { rank: i, stream: "comm", name: "all-to-all forward (pooled embeddings)", startUs: a2aFwdStart, durUs: s.a2aUs },
      { rank: i, stream: "comm", name: "all-to-all backward (embedding gradients)", startUs: a2aBwdStart, durUs: s.a2aUs },
      { rank: i, stream: "comm", name: "all-reduce (dense gradients)", startUs: allReduceStart, durUs: s.allReduceUs },
    );
    return Math.max(embBwdStart + r.embBwdUs, allReduceEnd);
  });
  return { endUs, phases: phases.filter((p) => p.durUs > 0) };
}
