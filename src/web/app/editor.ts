/**
 * The cell editor: CodeMirror 6 with JS/TS highlighting, an error-line highlight and type-error
 * diagnostics. Tab indents; Escape then Tab moves focus on (CodeMirror's tab-focus escape).
 */
import { indentWithTab } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { type Diagnostic, setDiagnostics } from "@codemirror/lint";
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
  /** Underlines type errors (1-based line and column); an empty list clears them. */
  showDiagnostics(list: readonly CellDiagnostic[]): void;
}

export interface CellDiagnostic {
  line: number;
  column: number;
  message: string;
  code?: string;
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

export interface EditorHooks {
  onRun(): void;
  /** The text changed (typing or setCode). */
  onChange(): void;
}

export function createCellEditor(parent: HTMLElement, nonce: string, hooks: EditorHooks): CellEditor {
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
              hooks.onRun();
              return true;
            },
          },
        ]),
      ),
      basicSetup,
      keymap.of([indentWithTab]),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) hooks.onChange();
      }),
      language.of(languageExtension("js")),
      errorLineField,
      // long prompt lines wrap instead of scrolling the code sideways (phones, narrow panes)
      EditorView.lineWrapping,
      EditorView.cspNonce.of(nonce),
      EditorView.contentAttributes.of({
        "aria-label": "Cell code (Ctrl or Cmd + Enter runs it; Tab indents, Escape then Tab leaves)",
      }),
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
    showDiagnostics(list) {
      const doc = view.state.doc;
      const marks: Diagnostic[] = list.map((d) => {
        const line = doc.line(Math.min(Math.max(1, d.line), doc.lines));
        const from = Math.min(line.from + Math.max(0, d.column - 1), line.to);
        // Underline the word at the position (or one character), like an IDE does.
        const word = view.state.wordAt(from);
        const to = word !== null && word.from === from ? word.to : Math.min(from + 1, line.to);
        const message = d.code === undefined ? d.message : `${d.message} (${d.code})`;
        return { from, to: Math.max(to, from), severity: "error", message, source: "TypeScript" };
      });
      view.dispatch(setDiagnostics(view.state, marks));
    },
  };
}
