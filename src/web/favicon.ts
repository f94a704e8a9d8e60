/**
 * The page's icon, inline so it ships with the server code (no asset to build or find): a pair of
 * braces on the page's accent blue. Browsers ask for /favicon.ico on every load; without an answer
 * each load logged a 404.
 */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#0b57d0"/>
<path d="M12 7c-3 0-4 1.5-4 4v2.5c0 1.5-.8 2.5-2.5 2.5 1.7 0 2.5 1 2.5 2.5V21c0 2.5 1 4 4 4M20 7c3 0 4 1.5 4 4v2.5c0 1.5.8 2.5 2.5 2.5-1.7 0-2.5 1-2.5 2.5V21c0 2.5-1 4-4 4" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round"/>
</svg>
`;
