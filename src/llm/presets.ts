/**
 * MoE LLM presets (data/llm/models.json) and resolving `--model`: a preset id, a workload
 * file whose model.kind is "moe-transformer", a bare model spec, or a Hugging Face config.json.
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { dataPath } from "../catalog/data-path.js";
import { UserError } from "../spec/errors.js";
import { parseDocument, readText, validate } from "../spec/load.js";
import { MoeTransformerModel } from "../spec/moe-transformer.js";
import { importHfConfig, looksLikeHfConfig } from "./hf-import.js";

export const Published = z.object({
  totalParams: z.number().positive().optional(),
  activeParams: z.number().positive().optional(),
  contextTokens: z.number().positive().optional(),
  trainingTokens: z.number().positive().optional(),
  gpuHours: z.number().positive().optional(),
  gpuHoursGpu: z.string().optional(),
  experts: z.number().int().positive().optional(),
  trainingPrecision: z.string().optional(),
  achievedFlopsPerGpu: z.number().positive().optional(),
  trainingGpus: z.number().positive().optional(),
  released: z.string().optional(),
  /** The published active count leaves out the input embedding (a lookup; gpt-oss's model card). */
  activeWithoutInputEmbedding: z.boolean().optional(),
});
export type Published = z.infer<typeof Published>;

export const LlmPreset = z.object({
  id: z.string(),
  name: z.string(),
  hfRepo: z.string().optional(),
  partial: z.boolean().default(false),
  spec: MoeTransformerModel.optional(),
  published: Published.default({}),
  sources: z.record(z.string(), z.string()),
});
export type LlmPreset = z.infer<typeof LlmPreset>;

let cached: LlmPreset[] | undefined;

export function listLlmPresets(): LlmPreset[] {
  cached ??= z.object({ models: z.array(LlmPreset) }).parse(JSON.parse(readFileSync(dataPath("llm/models.json"), "utf8"))).models;
  return cached;
}

/** A resolved model: a spec (absent for partial presets) plus what is known about it. */
export interface ResolvedModel {
  id: string;
  name: string;
  spec?: MoeTransformerModel;
  preset?: LlmPreset;
  source: string;
}

export function resolveModel(idOrFile: string): ResolvedModel {
  const preset = listLlmPresets().find((p) => p.id === idOrFile);
  if (preset) return { id: preset.id, name: preset.name, spec: preset.spec, preset, source: "preset" };
  if (!existsSync(idOrFile)) {
    throw new UserError(`unknown model "${idOrFile}": not a preset (${listLlmPresets().map((p) => p.id).join(", ")}) nor a file`);
  }
  const name = idOrFile.replace(/^.*[\\/]/, "").replace(/\.(json|ya?ml)$/i, "");
  return resolveModelDocument(parseDocument(readText(idOrFile), idOrFile), name, idOrFile);
}

/** A model given as a document (a file's content, or an API body's object): a Hugging Face config, a workload, or a model spec; `where` names it in errors. */
export function resolveModelDocument(doc: unknown, name: string, where: string): ResolvedModel {
  if (looksLikeHfConfig(doc)) return { id: name, name, spec: importHfConfig(doc, where), source: "hf-config" };
  if (doc && typeof doc === "object" && "model" in doc) {
    const w = validate(z.looseObject({ name: z.string().default(name), model: MoeTransformerModel }), doc, where);
    return { id: w.name, name: w.name, spec: w.model, source: "workload" };
  }
  return { id: name, name, spec: validate(MoeTransformerModel, doc, where, "MoE transformer model"), source: "model spec" };
}

/** The spec of a resolved model, or a clear error for partial presets. */
export function requireSpec(m: ResolvedModel): MoeTransformerModel {
  if (!m.spec) throw new UserError(`${m.id}: the architecture is only partly published, so this command cannot run on it (strata llm info / train work from its published figures)`);
  return m.spec;
}
