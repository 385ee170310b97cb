/** Where the package's data/ folder is, from both src/ (tsx, tests) and dist/ (built). */
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

export function dataPath(relative: string): string {
  return join(packageRoot, "data", relative);
}
