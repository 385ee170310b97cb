/** The facts registry (data/llm/facts.json): hosting limits, licence terms, benchmark scores, each with source and date. */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { dataPath } from "../catalog/data-path.js";

export const Fact = z.object({
  models: z.array(z.string()).min(1),
  kind: z.enum(["license", "context", "deployment", "benchmark", "training"]),
  topic: z.string(),
  value: z.union([z.string(), z.number()]),
  unit: z.string().optional(),
  source: z.string().min(1),
  date: z.string().min(1),
});
export type Fact = z.infer<typeof Fact>;

let cached: Fact[] | undefined;

export function listFacts(): Fact[] {
  cached ??= z.object({ facts: z.array(Fact) }).parse(JSON.parse(readFileSync(dataPath("llm/facts.json"), "utf8"))).facts;
  return cached;
}

export function factsFor(modelId: string): Fact[] {
  return listFacts().filter((f) => f.models.includes(modelId));
}
