// Writes a .gz twin of every text file of the build (linkhub serve sends it to
// clients that accept gzip) and prints the gzipped size of what the first page
// load fetches: index.html's scripts and style sheets. Node's own zlib: no library.
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { gzipSync, constants } from "node:zlib";

const out = process.env.LINKHUB_UI_OUT || "dist";
const textTypes = new Set([".html", ".js", ".css", ".svg", ".json", ".txt", ".map"]);

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const sizes = new Map();
for (const file of walk(out)) {
  if (!textTypes.has(extname(file))) continue;
  const packed = gzipSync(readFileSync(file), { level: constants.Z_BEST_COMPRESSION });
  writeFileSync(file + ".gz", packed);
  sizes.set(file.slice(out.length + 1), packed.length);
}

const index = readFileSync(join(out, "index.html"), "utf8");
const firstLoad = [...index.matchAll(/(?:src|href)="\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const total = firstLoad.reduce((sum, name) => sum + (sizes.get(name) ?? 0), 0);
console.log(`console: first load ${firstLoad.length} files, ${(total / 1024).toFixed(1)} KiB gzipped (JS + CSS)`);
