// Runs one documentation example (an ES module) and exits once its top level is done, even if it
// left a server or a socket open, as examples do; a throw or an unhandled error exits 1.
import { pathToFileURL } from 'node:url';

await import(pathToFileURL(process.argv[2] as string).href);
setTimeout(() => process.exit(0), 200);
