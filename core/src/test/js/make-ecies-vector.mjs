// Makes the eciesjs -> Java interoperability vector that EciesTest decrypts, and checks the
// Java -> eciesjs vector that GoldenEnvelopeVectors writes. See README.md.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { encrypt, decrypt, PrivateKey } from "eciesjs";

const here = dirname(fileURLToPath(import.meta.url));
const vectors = join(here, "..", "resources", "envelope");
const eciesVersion = JSON.parse(
  readFileSync(join(here, "node_modules", "eciesjs", "package.json"), "utf8"),
).version;

function readProperties(file) {
  const properties = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([^#=\s][^=]*)=(.*)$/.exec(line.trim());
    if (match) properties[match[1]] = match[2];
  }
  return properties;
}

const keys = readProperties(join(vectors, "test-keys.properties"));
const server = PrivateKey.fromHex(keys["server.privateKey"]);
const hex = (bytes) => Buffer.from(bytes).toString("hex");

// A plaintext longer than one AES block, with non-ASCII bytes, to catch layout and tag slips.
const plaintext = new TextEncoder().encode(
  "Registered mail interoperability vector: eciesjs encrypted this, Java decrypts it. Grüße ✓",
);
const ciphertext = encrypt(server.publicKey.toBytes(false), plaintext);
if (hex(decrypt(server.secret, ciphertext)) !== hex(plaintext)) {
  throw new Error("eciesjs does not decrypt its own vector");
}
writeFileSync(
  join(vectors, "eciesjs-vector.properties"),
  [
    `# Made by src/test/js/make-ecies-vector.mjs with eciesjs ${eciesVersion} (default config:`,
    "# secp256k1, uncompressed keys, AES-256-GCM, 16-byte nonce). Sealed to server.privateKey",
    "# of test-keys.properties (a TEST KEY). Do not edit: run the script again.",
    `eciesjs.version=${eciesVersion}`,
    `publicKey=${server.publicKey.toHex(false)}`,
    `plaintext=${hex(plaintext)}`,
    `ciphertext=${hex(ciphertext)}`,
    "",
  ].join("\n"),
);
console.log(`eciesjs ${eciesVersion}: wrote eciesjs-vector.properties`);

const javaVectorFile = join(vectors, "java-ecies-vector.properties");
if (existsSync(javaVectorFile)) {
  const java = readProperties(javaVectorFile);
  const opened = decrypt(server.secret, Buffer.from(java.ciphertext, "hex"));
  if (hex(opened) !== java.plaintext) {
    throw new Error("eciesjs decrypted java-ecies-vector.properties to other bytes");
  }
  console.log("eciesjs decrypts java-ecies-vector.properties: OK");
} else {
  console.log("java-ecies-vector.properties missing: run GoldenEnvelopeVectors first");
}
