/**
 * src/web/: the web page (app/, bundled at build time) and the routes that serve it.
 * May import errors/ only; app/ runs in the browser and imports nothing of the package.
 */
export { buildWebAssets, type WebAssets, writeWebAssets } from "./build.ts";
export { registerWebRoutes, type WebRouteOptions } from "./routes.ts";
