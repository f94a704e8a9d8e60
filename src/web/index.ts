export { buildWebAssets, type WebAssets, writeWebAssets } from "./build.ts";
export { registerWebRoutes, type WebRouteOptions } from "./routes.ts";
