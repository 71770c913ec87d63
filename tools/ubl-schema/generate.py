#!/usr/bin/env python3
"""Writes Sources/EInvoiceRules/Schema/UBLSchemaTable.swift from the official UBL 2.1 XSDs.

    python3 tools/ubl-schema/generate.py            # (re)write the table
    python3 tools/ubl-schema/generate.py --check    # exit 1 when the checked-in table differs

Reads ../shared/reference/ubl-2.1-xsd (relative to the package root): maindoc/UBL-Invoice-2.1.xsd,
maindoc/UBL-CreditNote-2.1.xsd and every schema they import or include. Python 3 standard library
only; the output depends on nothing but the schemas (sorted, no dates), so it is deterministic.

What the table holds, for the namespaces of the UBL documents themselves (Invoice, CreditNote, cbc,
cac, ext):
- every global element declaration: its namespace, local name and type (all global elements, not
  only those the Invoice and CreditNote content models name: the lax wildcard of
  ext:ExtensionContent validates any element that has a global declaration);
- every complex type with element-only content: its content model, a sequence of particles
  (element, minOccurs 0/1, maxOccurs 1/unbounded) — UBL 2.1 uses nothing else — or the one
  wildcard (xsd:any namespace="##other" processContents="lax", in ext:ExtensionContentType);
- every complex type with simple content: the built-in type of its value and its attributes (name,
  required or optional, built-in type), following the extension and restriction chains through
  the unqualified data types (udt) to the core component types (ccts-cct).

Not in the table: the signature namespaces (sig, sac, sbc, ds, xades). Their elements appear only
inside ext:ExtensionContent, through the lax wildcard; the validator's element tree does not tell
one foreign namespace from another, so the checker accepts their content without looking into it.

Anything the generator does not understand (xsd:choice, nested groups, facets, mixed content,
attributes on element-only types, an unknown built-in type, …) in those namespaces stops it with an
error, so a schema change cannot be silently half-modelled.
"""

import argparse
import os
import sys
import xml.etree.ElementTree as ET

XS = "http://www.w3.org/2001/XMLSchema"
UBL = "urn:oasis:names:specification:ubl:schema:xsd:"
CBC = UBL + "CommonBasicComponents-2"
CAC = UBL + "CommonAggregateComponents-2"
EXT = UBL + "CommonExtensionComponents-2"
INVOICE = UBL + "Invoice-2"
CREDIT_NOTE = UBL + "CreditNote-2"

# The namespaces the table covers, in table order (the Swift side numbers them the same way).
NAMESPACES = [("cbc", CBC), ("cac", CAC), ("ext", EXT), ("Invoice", INVOICE), ("CreditNote", CREDIT_NOTE)]
NAMESPACE_INDEX = {uri: index for index, (_, uri) in enumerate(NAMESPACES)}
PREFIX = {CBC: "cbc:", CAC: "cac:", EXT: "ext:", INVOICE: "", CREDIT_NOTE: ""}

# Built-in types the checker implements, in the order of UBLSchemaTable.ValueKind.
VALUE_KINDS = ["string", "normalizedString", "decimal", "boolean", "date", "time", "base64Binary", "language", "anyURI"]

PACKAGE_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMA_FOLDER = os.path.normpath(os.path.join(PACKAGE_ROOT, "..", "shared", "reference", "ubl-2.1-xsd"))
OUTPUT = os.path.join(PACKAGE_ROOT, "Sources", "EInvoiceRules", "Schema", "UBLSchemaTable.swift")
ROOTS = ["maindoc/UBL-Invoice-2.1.xsd", "maindoc/UBL-CreditNote-2.1.xsd"]
UNBOUNDED = -1
# The element number that stands for the wildcard in a packed particle (14 bits of element).
WILDCARD = (1 << 14) - 1


class SchemaError(Exception):
    pass


def tag(node):
    """The local name of an XSD element, or None when it is not in the XSD namespace."""
    if node.tag.startswith("{" + XS + "}"):
        return node.tag[len(XS) + 2:]
    return None


class SchemaFile:
    def __init__(self, path):
        self.path = path
        # Prefixes as the file declares them (UBL and the W3C schemas declare them on the root).
        self.prefixes = {}
        for event, item in ET.iterparse(path, events=("start-ns",)):
            prefix, uri = item
            if prefix in self.prefixes and self.prefixes[prefix] != uri:
                raise SchemaError(f"{path}: prefix {prefix!r} bound twice")
            self.prefixes[prefix] = uri
        self.root = ET.parse(path).getroot()
        self.target = self.root.get("targetNamespace", "")

    def qname(self, text):
        if ":" in text:
            prefix, local = text.split(":", 1)
        else:
            prefix, local = "", text
        if prefix not in self.prefixes:
            if prefix == "":
                return ("", local)
            raise SchemaError(f"{self.path}: unknown prefix in {text!r}")
        return (self.prefixes[prefix], local)


class SchemaSet:
    """Every schema document reachable from the two roots, with their global components."""

    def __init__(self, folder):
        self.files = {}
        self.elements = {}
        self.complex_types = {}
        self.simple_types = {}
        for root in ROOTS:
            self.load(os.path.join(folder, root))

    def load(self, path):
        path = os.path.normpath(path)
        if path in self.files:
            return
        schema = SchemaFile(path)
        self.files[path] = schema
        for child in schema.root:
            kind = tag(child)
            if kind in ("import", "include"):
                location = child.get("schemaLocation")
                if location:
                    self.load(os.path.join(os.path.dirname(path), location))
            elif kind in ("element", "complexType", "simpleType"):
                table = {"element": self.elements, "complexType": self.complex_types, "simpleType": self.simple_types}[kind]
                key = (schema.target, child.get("name"))
                if key in table:
                    raise SchemaError(f"{path}: {kind} {key} declared twice")
                table[key] = (schema, child)


def occurs(node, attribute):
    value = node.get(attribute, "1")
    return UNBOUNDED if value == "unbounded" else int(value)


def is_annotation(node):
    return tag(node) == "annotation"


class Generator:
    def __init__(self, schemas):
        self.schemas = schemas

    # -- simple content -------------------------------------------------------------------------

    def builtin(self, qname, where):
        """The built-in XSD type a simple type name stands for (through facet-free restrictions)."""
        namespace, local = qname
        if namespace == XS:
            if local not in VALUE_KINDS:
                raise SchemaError(f"{where}: built-in type xsd:{local} is not supported by the checker")
            return local
        if qname not in self.schemas.simple_types:
            raise SchemaError(f"{where}: unknown simple type {qname}")
        schema, node = self.schemas.simple_types[qname]
        restriction = [child for child in node if not is_annotation(child)]
        if len(restriction) != 1 or tag(restriction[0]) != "restriction":
            raise SchemaError(f"{where}: simple type {qname} is not a plain restriction")
        if [child for child in restriction[0] if not is_annotation(child)]:
            raise SchemaError(f"{where}: simple type {qname} has facets")
        return self.builtin(schema.qname(restriction[0].get("base")), where)

    def attribute(self, schema, node, where):
        if node.get("ref") is not None:
            raise SchemaError(f"{where}: attribute references are not supported")
        name = node.get("name")
        use = node.get("use", "optional")
        if use not in ("optional", "required", "prohibited"):
            raise SchemaError(f"{where}: attribute {name} has use={use!r}")
        if node.get("default") is not None or node.get("fixed") is not None:
            raise SchemaError(f"{where}: attribute {name} has a default or fixed value")
        kind = self.builtin(schema.qname(node.get("type")), f"{where}/@{name}") if node.get("type") else None
        return name, use, kind

    def simple_content(self, qname, where):
        """(built-in value type, {attribute name: (required, built-in type)}) of a type with simple content."""
        namespace, local = qname
        if namespace == XS or qname in self.schemas.simple_types:
            return self.builtin(qname, where), {}
        if qname not in self.schemas.complex_types:
            raise SchemaError(f"{where}: unknown type {qname}")
        schema, node = self.schemas.complex_types[qname]
        if node.get("mixed") == "true":
            raise SchemaError(f"{where}: {qname} is mixed")
        content = [child for child in node if not is_annotation(child)]
        if len(content) != 1 or tag(content[0]) != "simpleContent":
            raise SchemaError(f"{where}: {qname} has no simple content")
        derivation = [child for child in content[0] if not is_annotation(child)]
        if len(derivation) != 1 or tag(derivation[0]) not in ("extension", "restriction"):
            raise SchemaError(f"{where}: {qname} is neither an extension nor a restriction")
        derivation = derivation[0]
        value, attributes = self.simple_content(schema.qname(derivation.get("base")), f"{where} < {qname}")
        attributes = dict(attributes)
        for child in derivation:
            kind = tag(child)
            if kind == "annotation":
                continue
            if kind != "attribute":
                raise SchemaError(f"{where}: {qname} has {kind} in its {tag(derivation)} (facets are not supported)")
            name, use, attribute_type = self.attribute(schema, child, f"{where} < {qname}")
            if tag(derivation) == "extension":
                if name in attributes:
                    raise SchemaError(f"{where}: {qname} extends with attribute {name} twice")
                attributes[name] = (use == "required", attribute_type)
            elif use == "prohibited":
                attributes.pop(name, None)
            else:
                if name not in attributes:
                    raise SchemaError(f"{where}: {qname} restricts an attribute {name} its base does not have")
                # A restriction may leave out the type: it keeps the base's.
                attributes[name] = (use == "required", attribute_type or attributes[name][1])
        for name, (_, attribute_type) in attributes.items():
            if attribute_type is None:
                raise SchemaError(f"{where}: attribute {name} of {qname} has no type")
        return value, attributes

    # -- element-only content -------------------------------------------------------------------

    def particles(self, qname, where):
        """The content model of an element-only complex type: [(element (ns, name) or "any", min, max)]."""
        schema, node = self.schemas.complex_types[qname]
        if node.get("mixed") == "true":
            raise SchemaError(f"{where}: {qname} has mixed content")
        content = [child for child in node if not is_annotation(child)]
        if not content:
            return []
        if len(content) != 1 or tag(content[0]) != "sequence":
            raise SchemaError(f"{where}: {qname} is not a plain sequence ({[tag(child) for child in content]})")
        sequence = content[0]
        if occurs(sequence, "minOccurs") != 1 or occurs(sequence, "maxOccurs") != 1:
            raise SchemaError(f"{where}: {qname} has a repeated sequence")
        result = []
        seen = set()
        for particle in sequence:
            kind = tag(particle)
            if kind == "annotation":
                continue
            low, high = occurs(particle, "minOccurs"), occurs(particle, "maxOccurs")
            if low not in (0, 1) or high not in (1, UNBOUNDED):
                raise SchemaError(f"{where}: {qname} has occurrence {low}..{high}")
            if kind == "element":
                if particle.get("ref") is None:
                    raise SchemaError(f"{where}: {qname} declares a local element")
                ref = schema.qname(particle.get("ref"))
                if ref[0] not in NAMESPACE_INDEX:
                    raise SchemaError(f"{where}: {qname} refers to {ref}, outside the UBL namespaces")
                if ref not in self.schemas.elements:
                    raise SchemaError(f"{where}: {qname} refers to the undeclared {ref}")
                if ref in seen:
                    raise SchemaError(f"{where}: {qname} names {ref} twice")
                seen.add(ref)
                result.append((ref, low, high))
            elif kind == "any":
                if particle.get("namespace") != "##other" or particle.get("processContents") != "lax":
                    raise SchemaError(f"{where}: {qname} has a wildcard other than ##other/lax")
                if "any" in seen:
                    raise SchemaError(f"{where}: {qname} has two wildcards")
                seen.add("any")
                result.append(("any", low, high))
            else:
                raise SchemaError(f"{where}: {qname} has {kind} in its sequence")
        return result

    def is_simple_content(self, qname):
        if qname[0] == XS or qname in self.schemas.simple_types:
            return True
        schema, node = self.schemas.complex_types[qname]
        return any(tag(child) == "simpleContent" for child in node)

    # -- the table ------------------------------------------------------------------------------

    def build(self):
        declarations = []
        for (namespace, name), (schema, node) in self.schemas.elements.items():
            if namespace not in NAMESPACE_INDEX:
                continue
            if node.get("type") is None:
                raise SchemaError(f"{namespace} {name}: anonymous types are not supported")
            if node.get("nillable") == "true" or node.get("abstract") == "true" or node.get("substitutionGroup"):
                raise SchemaError(f"{namespace} {name}: nillable, abstract or substitution groups are not supported")
            declarations.append((NAMESPACE_INDEX[namespace], name, schema.qname(node.get("type"))))
        declarations.sort(key=lambda d: (d[0], d[1]))
        index_of_element = {(NAMESPACES[ns][1], name): index for index, (ns, name, _) in enumerate(declarations)}

        complex_types = sorted({t for (_, _, t) in declarations if not self.is_simple_content(t)})
        complex_index = {t: index for index, t in enumerate(complex_types)}
        models = []
        for qname in complex_types:
            particles = self.particles(qname, qname[1])
            models.append([("any" if ref == "any" else index_of_element[ref], low, high) for (ref, low, high) in particles])
            schema, node = self.schemas.complex_types[qname]
            if any(tag(child) in ("attribute", "attributeGroup", "anyAttribute") for child in node):
                raise SchemaError(f"{qname}: attributes on element-only types are not supported")

        signatures = {}
        element_simple = {}
        for (ns, name, t) in declarations:
            if self.is_simple_content(t):
                value, attributes = self.simple_content(t, f"{NAMESPACES[ns][0]}:{name}")
                signature = (VALUE_KINDS.index(value),
                             tuple(sorted((a, required, VALUE_KINDS.index(kind)) for a, (required, kind) in attributes.items())))
                signatures.setdefault(signature, []).append(t)
                element_simple[(ns, name)] = signature
        simple_types = sorted(signatures)
        if any(len(attributes) > 32 for (_, attributes) in simple_types):
            raise SchemaError("a type has more than 32 attributes (the checker keeps them in a 32-bit set)")
        simple_index = {s: index for index, s in enumerate(simple_types)}

        names = sorted({name for (_, name, _) in declarations} | {a for (_, attributes) in simple_types for (a, _, _) in attributes})
        name_index = {name: index for index, name in enumerate(names)}
        if len(names) >= 1 << 16 or len(declarations) >= 1 << 14 or len(complex_types) + len(simple_types) >= 1 << 16:
            raise SchemaError("the schema is too large for the table's 16-bit fields")

        return {
            "names": names,
            "name_index": name_index,
            "declarations": declarations,
            "complex_types": complex_types,
            "complex_index": complex_index,
            "models": models,
            "simple_types": simple_types,
            "simple_index": simple_index,
            "signatures": signatures,
            "element_simple": element_simple,
        }


def swift(table):
    names = table["names"]
    name_index = table["name_index"]
    declarations = table["declarations"]
    complex_count = len(table["complex_types"])
    out = []
    w = out.append
    w("// swift-format-ignore-file")
    w("// Generated by tools/ubl-schema/generate.py from the UBL 2.1 XSDs (../shared/reference/ubl-2.1-xsd).")
    w("// Do not edit: change the generator and run `python3 tools/ubl-schema/generate.py`; `--check` tells")
    w("// whether this file is what it writes.")
    w("")
    w("/// The UBL 2.1 schema of invoices and credit notes as data, for ``SchemaChecks``: every global")
    w("/// element of the Invoice, CreditNote, cbc, cac and ext namespaces with its type; for each")
    w("/// element-only type its sequence of particles; for each simple-content type the built-in type")
    w("/// of its value and its attributes. Names are indices into ``names``.")
    w("enum UBLSchemaTable {")
    w("    /// The built-in XSD types of values, as the checker implements them.")
    w("    enum ValueKind: UInt8 {")
    w("        case " + ", ".join(VALUE_KINDS))
    w("    }")
    w("")
    w("    /// Namespaces of ``elements``, by number.")
    w("    static let namespaces: [String] = [" + ", ".join(f'"{uri}"' for (_, uri) in NAMESPACES) + "]")
    w("")
    w(f"    /// Every local name the tables use (elements and attributes), sorted: {len(names)} names.")
    w("    static let names: [String] = [")
    line = "       "
    for name in names:
        item = f' "{name}",'
        if len(line) + len(item) > 150:
            w(line)
            line = "       "
        line += item
    w(line)
    w("    ]")
    w("")
    w(f"    /// The {len(declarations)} global element declarations, sorted by namespace and name, three numbers each:")
    w("    /// namespace (index into ``namespaces``), name (index into ``names``), and type: below")
    w(f"    /// ``complexTypeCount`` ({complex_count}) a complex type with element content, from there on a simple-content")
    w("    /// type (``simpleTypes``).")
    w("    static let elements: [UInt16] = [")
    for namespace in range(len(NAMESPACES)):
        group = [(index, d) for index, d in enumerate(declarations) if d[0] == namespace]
        if not group:
            continue
        w(f"        // {NAMESPACES[namespace][0]}: declarations {group[0][0]} … {group[-1][0]}")
        for start in range(0, len(group), 8):
            items = []
            for (_, (ns, name, t)) in group[start:start + 8]:
                if (ns, name) in table["element_simple"]:
                    type_number = complex_count + table["simple_index"][table["element_simple"][(ns, name)]]
                else:
                    type_number = table["complex_index"][t]
                items.append(f"{ns}, {name_index[name]}, {type_number},")
            w("        " + " ".join(items))
    w("    ]")
    w("")
    w(f"    static let complexTypeCount = {complex_count}")
    w("")
    w("    /// The particles of complex type t are `particles[particleStart[t] ..< particleStart[t + 1]]`.")
    starts = [0]
    for model in table["models"]:
        starts.append(starts[-1] + len(model))
    w("    static let particleStart: [UInt16] = [")
    for index in range(0, len(starts), 20):
        w("        " + ", ".join(str(s) for s in starts[index:index + 20]) + ",")
    w("    ]")
    w("")
    w("    /// Each complex type's sequence, in schema order: element declaration << 2 | minOccurs << 1 |")
    w(f"    /// (maxOccurs unbounded ? 1 : 0); the element declaration {WILDCARD} is the wildcard")
    w("    /// `xsd:any namespace=\"##other\" processContents=\"lax\"`.")
    w("    static let particles: [UInt16] = [")
    for qname, model in zip(table["complex_types"], table["models"]):
        values = []
        for (element, low, high) in model:
            number = WILDCARD if element == "any" else element
            values.append(str(number << 2 | low << 1 | (1 if high == UNBOUNDED else 0)))
        prefix = PREFIX.get(qname[0], "?:")
        w(f"        // {prefix}{qname[1]}")
        for index in range(0, len(values), 20):
            w("        " + ", ".join(values[index:index + 20]) + ",")
    w("    ]")
    w("")
    w(f"    /// The {len(table['simple_types'])} simple-content types, three numbers each: value kind (``ValueKind``), first")
    w("    /// attribute and number of attributes in ``attributes``.")
    w("    static let simpleTypes: [UInt16] = [")
    first = 0
    for signature in table["simple_types"]:
        kind, attributes = signature
        examples = sorted(table["signatures"][signature])
        described = ", ".join(t[1] for t in examples[:3]) + (f", … ({len(examples)} types)" if len(examples) > 3 else "")
        w(f"        {kind}, {first}, {len(attributes)},  // {VALUE_KINDS[kind]}: {described}")
        first += len(attributes)
    w("    ]")
    w("")
    w("    /// Attributes of the simple-content types, three numbers each: name (index into ``names``),")
    w("    /// required (1) or optional (0), value kind (``ValueKind``).")
    w("    static let attributes: [UInt16] = [")
    for (kind, attributes) in table["simple_types"]:
        for (name, required, attribute_kind) in attributes:
            w(f"        {name_index[name]}, {1 if required else 0}, {attribute_kind},  // {name}: {VALUE_KINDS[attribute_kind]}{', required' if required else ''}")
    w("    ]")
    w("}")
    return "\n".join(out) + "\n"



def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the checked-in table differs from what would be written")
    arguments = parser.parse_args()
    try:
        table = Generator(SchemaSet(SCHEMA_FOLDER)).build()
    except (SchemaError, OSError, ET.ParseError) as error:
        print(f"generate.py: {error}", file=sys.stderr)
        return 2
    text = swift(table)
    if arguments.check:
        try:
            with open(OUTPUT, encoding="utf-8") as file:
                current = file.read()
        except OSError:
            current = None
        if current != text:
            print(f"{os.path.relpath(OUTPUT, PACKAGE_ROOT)} is not what tools/ubl-schema/generate.py writes; run it to regenerate", file=sys.stderr)
            return 1
        return 0
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w", encoding="utf-8", newline="\n") as file:
        file.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
