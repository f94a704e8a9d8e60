/**
 * Removes the prelude's own frames from stack traces. The engine compiles the prelude under a
 * filename we do not know in advance, so install() learns it from a stack of its own.
 */
import { A, S } from "./intrinsics.ts";

let preludeMarker: string | null = null;

const FRAME_FILE = /\(?([^\s()]+?):\d+(?::\d+)?\)?\s*$/;

/** Call from a function defined in the prelude; remembers the file the frame points to. */
export function learnPreludeFile(): void {
  let stack = "";
  try {
    throw new Error("probe");
  } catch (e) {
    stack = String((e as Error).stack ?? "");
  }
  const lines = S.split(stack, "\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!S.includes(line, " at ")) continue;
    const m = FRAME_FILE.exec(line);
    if (m?.[1] !== undefined && m[1] !== "native" && m[1] !== "<anonymous>") {
      preludeMarker = `${m[1]}:`;
      return;
    }
  }
}

/** Drops frames located in the prelude (cell frames and native frames stay). */
export function cleanStack(stack: string): string {
  if (preludeMarker === null) return stack;
  const marker = preludeMarker;
  const lines = S.split(stack, "\n");
  const kept = A.filter(lines, (line) => !(S.includes(line, " at ") && S.includes(line, marker)));
  return A.join(kept, "\n");
}
