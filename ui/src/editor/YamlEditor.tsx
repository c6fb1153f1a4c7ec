// CodeMirror 6 with YAML highlighting and the server's validation as its
// linter. Loaded with React.lazy (CodeMirror is most of this chunk).
//
// The Content-Security-Policy allows no inline <style>, and CodeMirror styles
// itself through style-mod, which writes a <style> element into a document's
// <head> but uses a constructed stylesheet (adoptedStyleSheets, CSSOM, which
// style-src does not govern) inside a shadow root. So the editor lives in a
// shadow root of its own: no nonce, no 'unsafe-inline', no change to the CSP.
// (CodeMirror's other styling is element.style / cssText, also CSSOM.)
import { useEffect, useRef } from "react";
import { EditorView, keymap, lineNumbers, highlightActiveLine } from "@codemirror/view";
import { EditorState } from "@codemirror/state";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import { yaml } from "@codemirror/lang-yaml";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";

export interface SourceDiagnostic {
  line: number; // 1-based, as `linkhub validate` reports them
  column: number; // 1-based; 0 when unknown
  code: string;
  message: string;
  severity: "error" | "warning";
  step?: string | null;
}

// A diagnostic's line and column as a range of the document: from the column
// to the end of its line (at least one character), clamped to the text.
export function toRange(state: EditorState, d: SourceDiagnostic): { from: number; to: number } {
  const line = state.doc.line(Math.min(Math.max(d.line, 1), state.doc.lines));
  const from = Math.min(line.from + Math.max(d.column - 1, 0), line.to);
  const to = line.to > from ? line.to : Math.min(from + 1, state.doc.length);
  return { from: to > from ? from : Math.max(line.from, to - 1), to };
}

const theme = EditorView.theme({
  "&": { fontSize: "14px", backgroundColor: "#ffffff", color: "#1b1f24" },
  ".cm-scroller": { fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', minHeight: "12rem", maxHeight: "36rem" },
  "&.cm-focused": { outline: "3px solid #0a55c2", outlineOffset: "2px" },
  ".cm-gutters": { backgroundColor: "#f5f7fa", color: "#505861" },
});

export default function YamlEditor({
  initial,
  label,
  readOnly = false,
  onChange,
  validate,
  onDiagnostics,
}: {
  initial: string;
  label: string;
  readOnly?: boolean;
  onChange: (text: string) => void;
  validate: (text: string) => Promise<SourceDiagnostic[]>;
  onDiagnostics: (list: SourceDiagnostic[]) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  // The latest callbacks, read by the long-lived editor.
  const callbacks = useRef({ onChange, validate, onDiagnostics });
  callbacks.current = { onChange, validate, onDiagnostics };

  useEffect(() => {
    const element = host.current!;
    const shadow = element.shadowRoot ?? element.attachShadow({ mode: "open" });
    const parent = document.createElement("div");
    shadow.replaceChildren(parent);
    const view = new EditorView({
      root: shadow,
      parent,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          highlightActiveLine(),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          syntaxHighlighting(defaultHighlightStyle),
          yaml(),
          lintGutter(),
          // Debounced by the linter (400 ms after the last keystroke); a
          // result for text that changed meanwhile is dropped by @codemirror/lint.
          linter(
            async (v): Promise<Diagnostic[]> => {
              const state = v.state;
              let found: SourceDiagnostic[];
              try {
                found = await callbacks.current.validate(state.doc.toString());
              } catch {
                return []; // the page shows the API's error itself
              }
              if (v.state.doc !== state.doc) return [];
              callbacks.current.onDiagnostics(found);
              return found.map((d) => ({
                ...toRange(state, d),
                severity: d.severity === "warning" ? "warning" : "error",
                source: d.code,
                message: `${d.code}: ${d.message}`,
              }));
            },
            { delay: 400 },
          ),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          // tabindex: the text is focusable anyway (contenteditable); saying so lets
          // axe see that its scrolling box can be reached by keyboard.
          EditorView.contentAttributes.of({ "aria-label": label, tabindex: "0" }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
          }),
          theme,
        ],
      }),
    });
    return () => view.destroy();
    // One editor per mount: `initial` seeds it, later text lives in the editor.
  }, [readOnly]);

  return <div className="yaml-editor" ref={host} data-editor="yaml" />;
}
