// process.argv and process.env through @assemblyscript/wasi-shim: the arguments after the
// program's name, and every environment variable sorted by name (only what --env gave);
// process.stdout, console.error and process.stderr.
const args = process.argv.slice(1);
console.log(`${args.length} arguments: [${args.join("] [")}]`);
const keys = process.env.keys().sort();
console.log(`${keys.length} environment variables`);
for (let i = 0; i < keys.length; i++) {
  console.log(`${keys[i]}=${process.env.get(keys[i])}`);
}
process.stdout.write("written with process.stdout.write\n");
// The shim's console.error writes "Error: ..." to stdout; process.stderr reaches stderr.
console.error("console.error's line");
process.stderr.write("a line on stderr from AssemblyScript\n");
