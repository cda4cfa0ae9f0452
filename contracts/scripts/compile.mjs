// Compiles every .sol file under a source directory with the pinned solcjs and writes, for each
// contract defined there, <Name>.abi and <Name>.bin into the output directory.
// Usage: node scripts/compile.mjs <sourceDir> <outDir> [extra include dir ...]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const solc = require('solc');

// Pinned so that the bytecode, and so every CREATE2 address, is the same on every machine.
const EVM_VERSION = 'cancun';
const OPTIMIZER_RUNS = 1000;

const [sourceDir, outDir, ...includeDirs] = process.argv.slice(2);
if (!sourceDir || !outDir) {
  console.error('usage: node scripts/compile.mjs <sourceDir> <outDir> [includeDir ...]');
  process.exit(2);
}
const here = path.dirname(new URL(import.meta.url).pathname);
const nodeModules = path.resolve(here, '..', 'node_modules');
const searchRoots = [path.resolve(sourceDir), ...includeDirs.map((d) => path.resolve(d)), nodeModules];

function listSolidity(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listSolidity(full);
    return entry.name.endsWith('.sol') ? [full] : [];
  });
}

const sources = {};
for (const file of listSolidity(sourceDir)) {
  sources[path.relative(sourceDir, file)] = { content: fs.readFileSync(file, 'utf8') };
}

function findImports(importPath) {
  for (const root of searchRoots) {
    const candidate = path.join(root, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `import not found: ${importPath}` };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: EVM_VERSION,
    optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const problems = output.errors || [];
for (const problem of problems) {
  console.error(problem.formattedMessage);
}
if (problems.some((p) => p.severity === 'error')) process.exit(1);

fs.mkdirSync(outDir, { recursive: true });
let written = 0;
for (const sourceName of Object.keys(sources)) {
  for (const [name, contract] of Object.entries(output.contracts[sourceName] || {})) {
    const bytecode = contract.evm.bytecode.object;
    if (!bytecode) continue; // interfaces and abstract contracts have no code to deploy
    fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(contract.abi));
    fs.writeFileSync(path.join(outDir, `${name}.bin`), bytecode);
    written += 1;
  }
}
console.log(`solc ${solc.version()} (evm ${EVM_VERSION}): ${written} contracts written to ${outDir}`);
