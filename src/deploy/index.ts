export { kubernetesManifests, type ManifestOptions } from "./kubernetes.ts";
export { toYaml, toYamlStream } from "./yaml.ts";
