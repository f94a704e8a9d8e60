/**
 * The registry of engines: the only list of engine names (a third engine is one entry here plus
 * its own folder), and one shared Engine per name, created on first use. Each entry imports its
 * folder lazily, so a QuickJS-only user never loads the isolated-vm native addon.
 */
import { CodeActError } from "../../errors/index.ts";
import type { Engine, EngineStats } from "./contract.ts";

/** How an engine is started: `quarantine` is one worker that hosts nothing but crash reproductions. */
type EngineLoader = (role: "shared" | "quarantine") => Promise<Engine>;

/** Every engine's name, in a stable order (the default first). */
export const ENGINE_NAMES = Object.freeze(["isolated-vm", "quickjs"] as const);
export type EngineName = (typeof ENGINE_NAMES)[number];

/** One loader per name (the type makes a name without its loader a compile error). */
const LOADERS: Readonly<Record<EngineName, EngineLoader>> = {
  "isolated-vm": async (role) => {
    const { createIsolatedVmEngine } = await import("./isolated-vm/index.ts");
    return createIsolatedVmEngine(role === "quarantine" ? { workers: 1, spareSessionsPerWorker: 0 } : {});
  },
  quickjs: async (role) => {
    const { createQuickJsEngine } = await import("./quickjs/index.ts");
    return createQuickJsEngine(role === "quarantine" ? { workers: 1 } : {});
  },
};

/** The engine a sandbox gets when its options name none. */
export const DEFAULT_ENGINE: EngineName = "isolated-vm";

const engines = new Map<EngineName, Promise<Engine>>();
/** Engines of one worker each, for re-running a cell whose worker crashed (see quarantine.ts). */
const quarantines = new Map<EngineName, Promise<Engine>>();
let live = 0;

export function isEngineName(value: unknown): value is EngineName {
  return typeof value === "string" && Object.hasOwn(LOADERS, value);
}

/** The shared engine of that name, created on first use. */
export function getEngine(name: EngineName): Promise<Engine> {
  if (!isEngineName(name)) {
    throw new CodeActError("INVALID_ARGUMENT", `engine must be one of ${ENGINE_NAMES.join(", ")}`, {
      details: { field: "engine" },
    });
  }
  return cached(engines, name, false);
}

/** The quarantine engine of that name: one worker that hosts nothing but crash reproductions. */
export function getQuarantineEngine(name: EngineName): Promise<Engine> {
  return cached(quarantines, name, true);
}

function cached(registry: Map<EngineName, Promise<Engine>>, name: EngineName, quarantine: boolean) {
  let engine = registry.get(name);
  if (engine === undefined) {
    engine = createEngine(name, quarantine);
    registry.set(name, engine);
    // A failed start must not poison the registry: the next call tries again.
    engine.catch(() => {
      if (registry.get(name) === engine) registry.delete(name);
    });
  }
  return engine;
}

async function createEngine(name: EngineName, quarantine: boolean): Promise<Engine> {
  try {
    return await LOADERS[name](quarantine ? "quarantine" : "shared");
  } catch (err) {
    throw new CodeActError("ENGINE_FAILURE", `engine ${name} could not be started`, { cause: err });
  }
}

/** Disposes every engine created so far (their sessions and workers). Harmless twice. */
export async function shutdownEngines(): Promise<void> {
  const all = [...engines.values(), ...quarantines.values()];
  engines.clear();
  quarantines.clear();
  await Promise.all(
    all.map(async (p) => {
      const engine = await p.catch(() => undefined);
      await engine?.dispose();
    }),
  );
}

/** Stats of the engines started so far. */
export async function engineStats(): Promise<Partial<Record<EngineName, EngineStats>>> {
  const out: Partial<Record<EngineName, EngineStats>> = {};
  for (const [name, p] of engines) {
    const engine = await p.catch(() => undefined);
    if (engine) out[name] = engine.stats();
  }
  return out;
}

/** Sandboxes created by createSandbox and not yet disposed (tests assert 0 at the end). */
export function liveSandboxCount(): number {
  return live;
}

/** @internal session.ts bookkeeping. */
export function trackSandbox(delta: 1 | -1): void {
  live += delta;
}
