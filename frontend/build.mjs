// Builds Kennishub's static front-end files from npm packages into frontend/dist (a STATICFILES_DIR).
//
// No bundler: the NL Design System ships ready CSS, so we concatenate it with our own small
// stylesheet into one file and copy htmx and the Noto Sans font next to it. Nothing is fetched
// from a CDN; everything comes from node_modules (run `npm ci` first).
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");

function packageFile(specifier) {
  return require.resolve(specifier);
}

function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`));
}

function read(path) {
  // A @charset rule is only valid at the very start of a stylesheet; we write one there ourselves.
  return readFileSync(path, "utf8").replace(/^@charset "UTF-8";\s*$/gm, "");
}

// Start from a clean dist, but keep the .gitkeep that keeps the folder in git.
for (const folder of ["css", "js", "fonts", "img"]) {
  rmSync(join(dist, folder), { recursive: true, force: true });
  mkdirSync(join(dist, folder), { recursive: true });
}

// Fonts: the Utrecht tokens name "Noto Sans Variable"; keep only the Latin subsets we need.
const fontDir = packageDir("@fontsource-variable/noto-sans");
const fontFaces = [];
for (const block of read(join(fontDir, "index.css")).split(/(?=\/\* noto-sans-)/)) {
  const match = block.match(/url\(\.\/files\/([^)]+)\)/);
  if (!match || !/-latin(-ext)?-/.test(match[1])) continue;
  copyFileSync(join(fontDir, "files", match[1]), join(dist, "fonts", match[1]));
  fontFaces.push(block.replace(`./files/${match[1]}`, `../fonts/${match[1]}`).trim());
}

const parts = [
  ["@fontsource-variable/noto-sans (latin)", fontFaces.join("\n\n")],
  // Custom properties scoped to .utrecht-theme, which base.html puts on <html>.
  ["@utrecht/design-tokens/dist/theme.css", read(join(packageDir("@utrecht/design-tokens"), "dist/theme.css"))],
  [
    "@utrecht/component-library-css/dist/index.css",
    read(join(packageDir("@utrecht/component-library-css"), "dist/index.css")),
  ],
  ["frontend/src/kennishub.css", read(join(here, "src/kennishub.css"))],
];
const css = [
  '@charset "UTF-8";',
  ...parts.map(([source, text]) => `/* ---- ${source} ---- */\n${text.trim()}\n`),
].join("\n");
writeFileSync(join(dist, "css", "kennishub.css"), css);

for (const image of readdirSync(join(here, "src/img"))) {
  copyFileSync(join(here, "src/img", image), join(dist, "img", image));
}

const htmx = packageFile("htmx.org/dist/htmx.min.js");
copyFileSync(htmx, join(dist, "js", basename(htmx)));

console.log(`Built frontend/dist: css/kennishub.css (${Math.round(css.length / 1024)} kB), js/htmx.min.js, ${fontFaces.length} font files.`);
