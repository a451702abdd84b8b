// Reads a Chrome trace-event file with TracerBench's trace model (@tracerbench/trace-model, an
// implementation of the format written apart from procpool; scripts/setup installs it) and
// prints what the model built, one line each:
//   track <tid> <name> sort=<index>       per thread the model made
//   event <track name> <cat> <verdict> <name>   per complete event, on the thread it landed on
//   process-event <ph> <name>            per event the model could not put on a thread
// Exits non-zero, saying why, when the model cannot be built from the file.
//   node read_with_trace_model.cjs MODULES_DIR TRACE.json
'use strict';
const fs = require('fs');
const path = require('path');
const [modules, file] = process.argv.slice(2);
const { buildModel } = require(path.join(modules, 'node_modules', '@tracerbench', 'trace-model'));
const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
const model = buildModel(Array.isArray(doc) ? doc : doc.traceEvents);
const onThreads = new Set();
for (const p of model.processes) {
  for (const t of p.threads) {
    console.log(`track ${t.id} ${t.name} sort=${t.sortIndex}`);
    for (const e of t.events) {
      onThreads.add(e);
      if (e.ph === 'X') console.log(`event ${t.name} ${e.cat} ${(e.args || {}).verdict} ${e.name}`);
    }
  }
  for (const e of p.events) {
    if (!onThreads.has(e) && e.ph !== 'M') console.log(`process-event ${e.ph} ${e.name}`);
  }
}
