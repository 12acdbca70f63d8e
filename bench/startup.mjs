// Case 5: a fresh process imports the library and lists the devices, as a
// user's first line would. The runner times the whole process (spawn to exit).
// Usage: node bench/startup.mjs raw|numeric
const ROOT = new URL('../', import.meta.url);
const which = process.argv[2] === 'numeric' ? 'numeric' : 'raw';
const sd = await import(new URL(`packages/${which}/dist/index.js`, ROOT).href);
process.stdout.write(`${sd.queryDevices().toString()}\n`);
