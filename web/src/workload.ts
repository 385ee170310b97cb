/** The workload being edited, shared by the pages that take one (Predict, Plan, Tiers). */
import { useEffect, useState } from "preact/hooks";
import { getJson } from "./api.js";
import { parseText } from "./components.js";

export function useWorkload(initial: string) {
  const [doc, setDoc] = useState<{ text: string; name: string }>({ text: "", name: `${initial}.json` });
  useEffect(() => {
    getJson(`/api/workloads/${encodeURIComponent(initial)}`).then((w) => setDoc((d) => (d.text ? d : { text: JSON.stringify(w, null, 2), name: `${initial}.json` })), () => undefined);
  }, [initial]);
  return {
    ...doc,
    set: (text: string, name: string) => setDoc({ text, name }),
    /** The workload as an object (a text that does not parse is the user's error, shown as such). */
    value: (): Record<string, unknown> => {
      const v = parseText(doc.text, doc.name);
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`${doc.name}: expected a workload object`);
      return v as Record<string, unknown>;
    },
  };
}
