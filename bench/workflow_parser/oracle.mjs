// Judge workflow texts with GitHub's own parser (@actions/workflow-parser).
// Usage: node oracle.mjs NPM_PREFIX < items.json  (items: [{name, content}])
// Prints [{name, errors}] as JSON. It parses text only; nothing is run.
import { readFileSync } from "fs";
import { register } from "module";
import { pathToFileURL } from "url";

const hook =
  "export async function load(url, context, next) {" +
  " if (url.endsWith('.json'))" +
  " context = {...context, importAttributes: {type: 'json'}};" +
  " return next(url, context); }";
register("data:text/javascript," + encodeURIComponent(hook));
const entry = process.argv[2] + "/node_modules/@actions/workflow-parser/dist/index.js";
const lib = await import(pathToFileURL(entry).href);
const items = JSON.parse(readFileSync(0, "utf8"));
const out = [];
for (const item of items) {
  let errors = [];
  try {
    const trace = new lib.NoOperationTraceWriter();
    const result = lib.parseWorkflow({ name: item.name, content: item.content }, trace);
    if (result.value !== undefined) {
      await lib.convertWorkflowTemplate(result.context, result.value);
    }
    errors = result.context.errors.getErrors().map((e) => e.message);
  } catch (e) {
    errors = ["parser exception: " + e.message];
  }
  out.push({ name: item.name, errors });
}
process.stdout.write(JSON.stringify(out));
