/**
 * The cell's stdout/stderr with the output limit. Bytes are counted as UTF-8 (what the host
 * transmits); past the limit nothing more is appended and writing throws, so a flood loop stops.
 */
import { ErrorCtor, S } from "./intrinsics.ts";

export const output = {
  stdout: "",
  stderr: "",
  bytes: 0,
  limitBytes: 1_000_000,
  limitHit: false,
};

export function resetOutput(limitBytes: number): void {
  output.stdout = "";
  output.stderr = "";
  output.bytes = 0;
  output.limitBytes = limitBytes;
  output.limitHit = false;
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = S.charCodeAt(s, i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Longest prefix of s whose UTF-8 size is at most maxBytes (never splits a surrogate pair). */
function cutToBytes(s: string, maxBytes: number): string {
  let n = 0;
  let i = 0;
  while (i < s.length) {
    const c = S.charCodeAt(s, i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length;
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (n + size > maxBytes) break;
    n += size;
    i += pair ? 2 : 1;
  }
  return S.slice(s, 0, i);
}

export function limitError(): Error {
  const err = new ErrorCtor(
    `Output limit of ${output.limitBytes} bytes exceeded; further output is discarded`,
  );
  err.name = "OutputLimitError";
  return err;
}

export function write(stream: "stdout" | "stderr", text: string): void {
  if (output.limitHit) throw limitError();
  const size = utf8Length(text);
  if (output.bytes + size > output.limitBytes) {
    output[stream] += cutToBytes(text, output.limitBytes - output.bytes);
    output.bytes = output.limitBytes;
    output.limitHit = true;
    throw limitError();
  }
  output.bytes += size;
  output[stream] += text;
}
