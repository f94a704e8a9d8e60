/**
 * The "Raw frames" view: the request and reply frames of the step on show, as JSON, and a box to
 * edit and send a frame by hand (OpenEnv's own web page shows raw JSON; options the form has no
 * field for, like `timeout_ms`, can be sent this way).
 */
import { byId, el, isRecord, json, pre } from "./dom.ts";
import type { Frames } from "./episode.ts";

export interface RawFrame {
  type: string;
  data?: unknown;
}

const SENDABLE = ["step", "reset", "state", "mcp"];

/** Parses the text box: a JSON object with a known `type`; anything else is a message. */
export function parseRawFrame(text: string): { ok: true; frame: RawFrame } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (!isRecord(value))
    return { ok: false, message: 'A frame is a JSON object like {"type": "step", "data": {…}}' };
  if (typeof value.type !== "string" || !SENDABLE.includes(value.type))
    return { ok: false, message: `"type" must be one of ${SENDABLE.join(", ")}` };
  if ("id" in value) return { ok: false, message: 'Leave out "id": the page numbers its own frames' };
  const frame: RawFrame = { type: value.type };
  if ("data" in value) frame.data = value.data;
  return { ok: true, frame };
}

export interface RawPanel {
  readonly enabled: boolean;
  /** Shows the frames of the step on show (undefined: none yet). */
  show(frames: Frames | undefined): void;
  /** Puts a frame into the text box. */
  fill(frame: RawFrame): void;
  setSendable(sendable: boolean): void;
}

export function createRawPanel(hooks: { send(frame: RawFrame): void; fromEditor(): RawFrame }): RawPanel {
  const toggle = byId<HTMLInputElement>("raw-toggle");
  const box = byId<HTMLTextAreaElement>("raw-request");
  const error = byId("raw-error");
  const sendButton = byId<HTMLButtonElement>("raw-send");
  const panel: RawPanel = {
    get enabled() {
      return toggle.checked;
    },
    show(frames) {
      const target = byId("raw-frames");
      if (frames === undefined) {
        target.replaceChildren(el("p", { class: "hint" }, "No step yet."));
        return;
      }
      target.replaceChildren(
        el("h4", {}, "Request"),
        pre(json(frames.request), "request frame"),
        el("h4", {}, "Reply"),
        pre(json(frames.reply), "reply frame"),
      );
    },
    fill(frame) {
      box.value = json(frame);
    },
    setSendable(sendable) {
      sendButton.disabled = !sendable;
    },
  };
  toggle.addEventListener("change", () => {
    byId("raw").hidden = !toggle.checked;
    if (toggle.checked && box.value.trim() === "") panel.fill(hooks.fromEditor());
  });
  byId("raw-from-editor").addEventListener("click", () => panel.fill(hooks.fromEditor()));
  sendButton.addEventListener("click", () => {
    const parsed = parseRawFrame(box.value);
    error.hidden = parsed.ok;
    error.textContent = parsed.ok ? "" : parsed.message;
    if (parsed.ok) hooks.send(parsed.frame);
    else box.focus();
  });
  return panel;
}
