/**
 * src/cli/: the `codeact-env` command line, every command in this folder (main.ts is the bin).
 * May import anything in the package; nothing imports it (tests drive it through main).
 */
export { MAIN_HELP, main } from "./main.ts";
