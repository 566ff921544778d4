/**
 * JSON Schema of the review configuration (mtc.yaml). The source of truth;
 * schema/review-config.schema.json is written from it (src/tools/gen-review-files.ts) and a
 * test checks that the file is not stale.
 */
export const reviewConfigSchema = {
  "$schema": "http://json-schema.org/draft-07/schema#",
  "$id": "https://mtc.example/schema/review-config.schema.json",
  "title": "mtc review configuration",
  "description": "The `mtc.yaml` of a rule tree (for example rules/mtc.yaml): the QEMU the rules are for, how its machine families are named, which machine types are released, and the findings of `mtc diff` that reviewers have waived.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "version": {
      "description": "Format version of this file; 1.",
      "const": 1
    },
    "qemu": {
      "description": "The QEMU these rules are checked and built against by default: a built-in profile (`11.1`, `10.2`, `10.0` or an exact version such as `10.2.2`). `--qemu` and `--qemu-tree` override it.",
      "type": "string",
      "pattern": "^[0-9]{1,4}\\.[0-9]{1,4}(\\.[0-9]{1,4})?$"
    },
    "simulate": {
      "description": "The QEMU releases of the migration matrix `mtc diff` computes (catalog/qemu/releases.yaml: `10.0`, `10.2`, `x-mig-series`, `11.0`, `11.1`; a tree version such as `11.1.1` names its release). Read from the base tree, the trusted side (MTC5058 when the head sets others). Default: the release of `qemu:`, else the newest. `--qemu`, `--from-qemu` and `--to-qemu` override it.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "qemu": { "description": "Both ends of KVM pairs.", "type": "string", "pattern": "^(?:[0-9]{1,4}\\.[0-9]{1,4}(?:\\.[0-9]{1,4})?|x-mig-series)$" },
        "from-qemu": { "description": "KVM sources (default: `qemu`).", "type": "string", "pattern": "^(?:[0-9]{1,4}\\.[0-9]{1,4}(?:\\.[0-9]{1,4})?|x-mig-series)$" },
        "to-qemu": { "description": "KVM destinations (default: `qemu`).", "type": "string", "pattern": "^(?:[0-9]{1,4}\\.[0-9]{1,4}(?:\\.[0-9]{1,4})?|x-mig-series)$" }
      }
    },
    "families": {
      "description": "Per machine family: the preset that names its machine types and C functions (`upstream`: virt, pc-q35, pc-i440fx; `rhel`: virt-rhel), and the QEMU versions its rules are for (`>=11.1`); with another QEMU the family is left out, with a note.",
      "type": "object",
      "maxProperties": 5000,
      "propertyNames": { "pattern": "^[a-z][a-z0-9._-]{0,63}$" },
      "additionalProperties": {
        "type": "object",
        "additionalProperties": false,
        "properties": {
          "preset": { "enum": ["upstream", "rhel"] },
          "file": { "description": "A family of your own: the machine file that defines it (`hw/arm/sbsa-ref.c`).", "type": "string", "pattern": "^[A-Za-z0-9_./-]{1,200}$" },
          "symbol": { "description": "A family of your own: the C prefix of its options functions (`sbsa_ref` → `sbsa_ref_machine_10_1_options`).", "type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$" },
          "macro": { "description": "A family of your own: its registration macro (`DEFINE_SBSA_REF_MACHINE`; the latest type uses `<macro>_AS_LATEST`).", "type": "string", "pattern": "^[A-Z][A-Z0-9_]{0,63}$" },
          "arity": { "description": "How many version numbers the macro takes (default 2).", "enum": [2, 3] },
          "semicolon": { "description": "Whether registration lines end with `;` (hw/i386 style; default false).", "type": "boolean" },
          "param": { "description": "The options functions' MachineClass parameter (default `mc`).", "type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$" },
          "qemu": {
            "description": "Space-separated comparisons: `>=11.1`, `>=10.1 <11.1`, or one version.",
            "type": "string",
            "pattern": "^(?:(?:>=|<=|>|<|=)?[0-9]{1,4}(?:\\.[0-9]{1,4}){0,2})(?: (?:>=|<=|>|<|=)?[0-9]{1,4}(?:\\.[0-9]{1,4}){0,2}){0,3}$"
          }
        }
      }
    },
    "released": {
      "description": "Machine types that have shipped: exact names or patterns where `*` matches any run of characters (`virt-rhel9.*`). Breaking-change rules apply to these.",
      "type": "array",
      "maxItems": 1000,
      "items": { "$ref": "#/definitions/pattern" }
    },
    "hosts": {
      "description": "Host profile files or directories for the migration matrix, inside the rule tree (relative to its root: the directory mtc diff runs in, or --base-dir/--head-dir), read from the tree's own revision; default: the built-in profiles. The matrix uses the base tree's hosts plus those the head adds. `--hosts` overrides it.",
      "type": "array",
      "maxItems": 100,
      "items": { "type": "string", "minLength": 1, "maxLength": 400, "pattern": "^[^\\n\\r\\u0000]*$" }
    },
    "waivers": {
      "description": "Findings that reviewers accepted. A finding is waived only when a waiver of the head tree and one of the base tree both match it, so a change cannot waive its own findings; waivers it adds or widens are reported. A waived finding shows in every report. `machine` must not match every machine type.",
      "type": "array",
      "maxItems": 1000,
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["rule", "machine", "reason"],
        "properties": {
          "rule": {
            "description": "Rule id (`MTC5001`) or name (`released-rule-removed`).",
            "type": "string",
            "pattern": "^(MTC50[0-9]{2}|[a-z][a-z0-9-]{1,63})$"
          },
          "machine": { "$ref": "#/definitions/pattern" },
          "subject": {
            "description": "Optional: limit the waiver to findings about this register, property or host pair (matched against the finding's subject, `*` allowed).",
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "pattern": "^[^\\n\\r\\u0000]*$"
          },
          "reason": {
            "description": "Why the change is acceptable; shown in the report.",
            "type": "string",
            "minLength": 3,
            "maxLength": 500,
            "pattern": "^[^\\u0000]*$"
          }
        }
      }
    }
  },
  "definitions": {
    "pattern": {
      "type": "string",
      "minLength": 1,
      "maxLength": 100,
      "pattern": "^[A-Za-z0-9_.*-]+$"
    }
  }
};
