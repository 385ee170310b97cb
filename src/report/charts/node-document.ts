/** A DOM for drawing charts in Node (`strata report`, the golden tests): linkedom, no browser. */
import { parseHTML } from "linkedom";

export function nodeDocument(): Document {
  return parseHTML("<!doctype html><html><head></head><body></body></html>").document as unknown as Document;
}
