/** The cell editor: CodeMirror 6 with JS/TS highlighting and an error-line highlight. */
import { javascript } from "@codemirror/lang-javascript";
import { Compartment, EditorSelection, Prec, StateEffect, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, keymap } from "@codemirror/view";
import { basicSetup, EditorView } from "codemirror";

export type Language = "js" | "ts";

export interface CellEditor {
  getCode(): string;
  setCode(code: string): void;
  setLanguage(language: Language): void;
  /** Highlight one 1-based line (null clears); the mark goes away at the next edit. */
  markErrorLine(line: number | null): void;
  /** Focus the editor with the cursor at the start of a 1-based line. */
  goToLine(line: number): void;
  focus(): void;
}

const setErrorLine = StateEffect.define<number | null>();

const errorLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    for (const effect of tr.effects) {
      if (!effect.is(setErrorLine)) continue;
      if (effect.value === null) return Decoration.none;
      const lineNo = Math.min(Math.max(1, effect.value), tr.state.doc.lines);
      const line = tr.state.doc.line(lineNo);
      const mark = Decoration.line({
        class: "cm-error-line",
        attributes: { "data-error-line": String(lineNo) },
      });
      return Decoration.set([mark.range(line.from)]);
    }
    return tr.docChanged ? Decoration.none : marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function languageExtension(language: Language) {
  return javascript({ typescript: language === "ts" });
}

export function createCellEditor(parent: HTMLElement, nonce: string, onRun: () => void): CellEditor {
  const language = new Compartment();
  const view = new EditorView({
    parent,
    doc: "",
    extensions: [
      Prec.highest(
        keymap.of([
          {
            key: "Mod-Enter",
            run: () => {
              onRun();
              return true;
            },
          },
        ]),
      ),
      basicSetup,
      language.of(languageExtension("js")),
      errorLineField,
      EditorView.cspNonce.of(nonce),
      EditorView.contentAttributes.of({ "aria-label": "Cell code (Ctrl or Cmd + Enter runs it)" }),
    ],
  });
  return {
    getCode: () => view.state.doc.toString(),
    setCode(code) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
    },
    setLanguage(next) {
      view.dispatch({ effects: language.reconfigure(languageExtension(next)) });
    },
    markErrorLine(line) {
      const effects: StateEffect<unknown>[] = [setErrorLine.of(line)];
      if (line !== null) {
        const at = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines)).from;
        effects.push(EditorView.scrollIntoView(at, { y: "center" }));
      }
      view.dispatch({ effects });
    },
    goToLine(line) {
      const at = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines)).from;
      view.dispatch({ selection: EditorSelection.cursor(at), scrollIntoView: true });
      view.focus();
    },
    focus: () => view.focus(),
  };
}
