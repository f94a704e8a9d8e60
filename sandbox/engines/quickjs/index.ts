export { createQuickJsEngine, type QuickJsEngineOptions } from "./engine.ts";
