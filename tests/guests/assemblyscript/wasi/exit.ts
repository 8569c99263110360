// process.exit through @assemblyscript/wasi-shim: the status given as the only argument
// becomes tycho's exit status, after what was printed before it.
const status = I32.parseInt(process.argv[1]);
console.log(`exiting with ${status}`);
process.exit(status);
console.log("unreachable");
