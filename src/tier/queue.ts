/**
 * M/M/c queues (Erlang C; Kleinrock, "Queueing Systems" Vol. 1, 1975, Sec. 3.5): the tail of the
 * response time (wait plus an exponential service), for devices with internal parallelism (an
 * SSD serves c = IOPS x latency reads at once, Little's law) and for a host's worker threads.
 */

/** Probability that an arrival waits (Erlang C), c servers, offered load a = lambda / mu < c. */
export function erlangC(c: number, a: number): number {
  if (a <= 0) return 0;
  if (a >= c) return 1;
  // Erlang B by its stable recursion, then C from B.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  const rho = a / c;
  return b / (1 - rho + rho * b);
}

/** P(R > t) of an M/M/c queue's response time R (FCFS): arrival rate lambda, service rate mu per server. */
export function responseTail(c: number, lambda: number, mu: number, t: number): number {
  const a = lambda / mu;
  if (a >= c) return 1;
  const pw = erlangC(c, a);
  const theta = c * mu - lambda;
  const serviceTail = Math.exp(-mu * t);
  // R = W + S, W ~ 0 w.p. 1 - pw else Exp(theta), S ~ Exp(mu).
  const sum = Math.abs(theta - mu) < 1e-12 * mu ? (1 + mu * t) * Math.exp(-mu * t) : (theta * Math.exp(-mu * t) - mu * Math.exp(-theta * t)) / (theta - mu);
  return (1 - pw) * serviceTail + pw * sum;
}

/**
 * The time by which all of `k` independent requests are done with probability q: the q-quantile
 * of their maximum, solving P(R <= t)^k = q by bisection (a query waits for its slowest read).
 */
export function maxQuantile(c: number, lambda: number, mu: number, k: number, q: number): number {
  if (k <= 0) return 0;
  if (lambda / mu >= c) return Infinity;
  const tail = 1 - q ** (1 / Math.max(1, k));
  let lo = 0;
  let hi = 1 / mu;
  while (responseTail(c, lambda, mu, hi) > tail) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const m = (lo + hi) / 2;
    if (responseTail(c, lambda, mu, m) > tail) lo = m;
    else hi = m;
  }
  return hi;
}
