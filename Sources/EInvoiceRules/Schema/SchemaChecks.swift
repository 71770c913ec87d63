import EInvoice
import HardenedXML

/// What the UBL 2.1 schema rejects, as findings with rule id `XSD` (flag fatal), checked against
/// ``UBLSchemaTable`` — generated from the official XSDs — the way libxml2's validator checks it:
/// the root element, each element's children against its type's sequence (unexpected elements,
/// elements out of schema order, too many, missing required ones), attributes (undeclared,
/// missing required ones, their values), text where only elements may be, and every value
/// against its built-in type (xsd:decimal, xsd:date, xsd:time, xsd:boolean, xsd:base64Binary,
/// xsd:language, xsd:anyURI) with libxml2's whitespace handling.
///
/// One walk over the tree: each element's children are matched against its sequence in one pass
/// (the position in the sequence only moves forward), names are compared as numbers (the
/// document's distinct names are looked up in the table once), and nothing is allocated per
/// element unless something is wrong.
///
/// Inside `ext:ExtensionContent` (a lax wildcard: one element of another namespace) elements that
/// the UBL schemas declare are checked, others are passed over while their descendants are looked
/// at, as libxml2 does. The signature namespaces (sig, sac, sbc, ds, xades) are not in the table:
/// their own content is not checked (see `tools/ubl-schema/generate.py`).
enum SchemaChecks {
    /// The findings for a document.
    static func findings(_ root: Node) -> [Finding] {
        SchemaWalk.with(root) { $0.run() }
    }
}

/// One document's walk; the findings in document order (an element's own problems before its
/// children's, a missing child at the element where libxml2 notices it).
private struct SchemaWalk {
    typealias ValueKind = UBLSchemaTable.ValueKind

    let root: Node
    let tree: DocumentTree
    let layout: UnsafeMutablePointer<TreeLayout>
    /// The tree's per-element buffers (see ``TreeLayout``), read directly.
    let namespaces: UnsafeMutablePointer<Namespace>
    let nameIDs: UnsafeMutablePointer<Int32>
    let blankTexts: UnsafeMutablePointer<Bool>
    let childStart: UnsafeMutablePointer<Int32>
    let childList: UnsafeMutablePointer<Int32>
    let schema: CompiledSchema
    let texts: UnsafeBufferPointer<String>
    let attributeLists: UnsafeBufferPointer<[XMLAttribute]>
    /// The table's name index of each of the document's names (by the tree's name id), -1 for none.
    let tableNames: UnsafeMutableBufferPointer<Int32>
    /// The table namespace of Invoice (3) or CreditNote (4) whose schema applies: the other
    /// document element is not declared in it.
    var documentNamespace = 3
    var findings: [Finding] = []

    /// Runs `body` on a walk of the document (the tree's buffers are borrowed for its duration).
    static func with(_ root: Node, _ body: (inout SchemaWalk) -> Void) -> [Finding] {
        let tree = root.tree
        return tree.texts.withUnsafeBufferPointer { texts in
            tree.attributes.withUnsafeBufferPointer { attributeLists in
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(tree.names.count, 1)) { tableNames in
                    let layout = root.layout.pointee
                    var walk = SchemaWalk(
                        root: root, tree: tree, layout: root.layout, namespaces: layout.namespaces, nameIDs: layout.nameIDs,
                        blankTexts: layout.blankTexts, childStart: layout.childStart, childList: layout.childList,
                        schema: CompiledSchema.shared, texts: texts, attributeLists: attributeLists, tableNames: tableNames)
                    body(&walk)
                    return walk.findings
                }
            }
        }
    }

    mutating func run() {
        let layout = self.layout.pointee
        for nameID in 0..<tree.names.count {
            let start = Int(layout.nameOffsets[nameID])
            tableNames[nameID] = schema.nameIndex(layout.nameBytes + start, Int(layout.nameOffsets[nameID + 1]) - start)
        }
        let rootID: Int32 = 0
        let isInvoice = root.isNamed(.ubl, "Invoice")
        guard isInvoice || root.isNamed(.cn, "CreditNote") else {
            fail(rootID, "The root element <\(root.name)> is not a UBL 2.1 Invoice or CreditNote (in the UBL 2.1 namespace).")
            return
        }
        documentNamespace = isInvoice ? 3 : 4
        element(rootID, declaration: declaration(of: rootID))
    }

    // MARK: Names

    /// The global declaration for an element's name, -1 when the schema has none.
    func declaration(of id: Int32) -> Int {
        let namespace: Int
        switch namespaces[Int(id)] {
        case .cbc: namespace = 0
        case .cac: namespace = 1
        case .ext: namespace = 2
        case .ubl: namespace = 3
        case .cn: namespace = 4
        case .other: return -1
        }
        let name = tableNames[Int(nameIDs[Int(id)])]
        guard name >= 0 else { return -1 }
        return Int(schema.declarations[Int(name) * CompiledSchema.namespaceCount + namespace])
    }

    func node(_ id: Int32) -> Node { root.node(id) }

    /// `cbc:PayableAmount`, as the document names the element.
    func display(_ id: Int32) -> String {
        let node = node(id)
        return node.namespace.prefix + node.name
    }

    mutating func fail(_ id: Int32, _ message: String) {
        let node = node(id)
        findings.append(Finding(ruleID: "XSD", flag: .fatal, location: node.path, line: node.line > 0 ? node.line : nil, message: message))
    }

    // MARK: Elements

    /// Checks an element against its declaration, and its descendants.
    mutating func element(_ id: Int32, declaration: Int) {
        let type = Int(schema.elementType[declaration])
        let simple = type - schema.complexTypeCount
        attributes(id, simpleType: simple)
        let first = Int(childStart[Int(id)])
        let end = Int(childStart[Int(id) + 1])
        if simple < 0 {
            if !blankTexts[Int(id)] {
                fail(id, "\(display(id)) has text, but its content may only be elements.")
            }
            if schema.hasWildcard[type] {
                wildcardSequence(id, type: type, children: first..<end)
            } else {
                sequence(id, type: type, children: first..<end)
            }
        } else if first != end {
            fail(id, "\(display(id)) has child elements, but its content may only be a value.")
        } else {
            let kind = schema.valueKinds[simple]
            if kind != .string && kind != .normalizedString && !Self.isValid(texts[Int(id)], kind) {
                fail(id, "\(display(id)) '\(Self.excerpt(texts[Int(id)]))' \(Self.expected(kind)).")
            }
        }
    }

    /// Matches the children against the type's sequence in one pass: each child's place in the
    /// sequence is looked up, and the position only moves forward.
    mutating func sequence(_ id: Int32, type: Int, children: Range<Int>) {
        let start = Int(schema.particleStart[type])
        let end = Int(schema.particleStart[type + 1])
        var position = start
        var count = 0
        for slot in children {
            let child = childList[slot]
            let childDeclaration = declaration(of: child)
            // Mostly the child is at the current particle (repeated) or further on.
            let place =
                position < end && Int(schema.particles[position] >> 2) == childDeclaration
                ? position : childDeclaration >= 0 ? schema.position(of: childDeclaration, in: type) : -1
            if place == position && (count == 0 || schema.particles[position] & 1 == 1) {
                count += 1
                element(child, declaration: childDeclaration)
            } else if place > position {
                // Required particles passed over are missing; libxml2 notices at this child.
                let missing = requiredFrom(count == 0 ? position : position + 1, end)
                if missing < place {
                    fail(child, "\(display(id)) lacks \(particleName(missing)) (expected before \(display(child))).")
                }
                position = place
                count = 1
                element(child, declaration: childDeclaration)
            } else {
                if place == position {
                    fail(child, "\(display(id)) has more than one \(display(child)).")
                } else if place >= 0 {
                    fail(child, "\(display(child)) after \(particleName(position)): out of schema order.")
                } else {
                    fail(child, "\(display(child)) is not allowed in \(display(id)).")
                }
                // Still checked when the schema declares it.
                if childDeclaration >= 0 { element(child, declaration: childDeclaration) }
            }
        }
        missingAtEnd(id, from: requiredFrom(count == 0 ? position : position + 1, end), end: end)
    }

    /// The first required particle at or after `index` of a sequence ending at `end`; `end` if none.
    func requiredFrom(_ index: Int, _ end: Int) -> Int {
        index < end ? min(Int(schema.requiredFrom[index]), end) : end
    }

    /// Required particles not reached, reported at the element (as libxml2 does at its end).
    mutating func missingAtEnd(_ id: Int32, from first: Int, end: Int) {
        guard first < end else { return }
        var names: [String] = []
        var index = first
        while index < end {
            names.append(particleName(index))
            index = requiredFrom(index + 1, end)
        }
        let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
        fail(id, "\(display(id)) lacks \(list).")
    }

    /// The same, for a sequence with the wildcard (ext:ExtensionContentType), matched particle by
    /// particle.
    mutating func wildcardSequence(_ id: Int32, type: Int, children: Range<Int>) {
        let start = Int(schema.particleStart[type])
        let end = Int(schema.particleStart[type + 1])
        var position = start
        var count = 0
        for slot in children {
            let child = childList[slot]
            let childDeclaration = declaration(of: child)
            if position < end && matches(schema.particles[position], child, childDeclaration) && (count == 0 || schema.particles[position] & 1 == 1) {
                count += 1
                descend(child, particle: schema.particles[position], childDeclaration)
                continue
            }
            var found = -1
            var next = position + 1
            while next < end {
                if matches(schema.particles[next], child, childDeclaration) {
                    found = next
                    break
                }
                next += 1
            }
            if found >= 0 {
                let missing = requiredFrom(count == 0 ? position : position + 1, end)
                if missing < found {
                    fail(child, "\(display(id)) lacks \(particleName(missing)) (expected before \(display(child))).")
                }
                position = found
                count = 1
                descend(child, particle: schema.particles[found], childDeclaration)
            } else {
                if position < end && matches(schema.particles[position], child, childDeclaration) {
                    fail(child, "\(display(id)) has more than one \(display(child)).")
                } else if (start..<position).contains(where: { matches(schema.particles[$0], child, childDeclaration) }) {
                    fail(child, "\(display(child)) after \(particleName(position)): out of schema order.")
                } else {
                    fail(child, "\(display(child)) is not allowed in \(display(id)): it takes one element of a namespace other than ext's.")
                }
                if childDeclaration >= 0 { element(child, declaration: childDeclaration) }
            }
        }
        missingAtEnd(id, from: requiredFrom(count == 0 ? position : position + 1, end), end: end)
    }

    func matches(_ particle: UInt16, _ child: Int32, _ childDeclaration: Int) -> Bool {
        let element = Int(particle >> 2)
        if element == CompiledSchema.wildcard { return acceptsOtherNamespace(child) }
        return element == childDeclaration
    }

    func particleName(_ index: Int) -> String {
        let element = Int(schema.particles[index] >> 2)
        if element == CompiledSchema.wildcard { return "an element of a namespace other than ext's" }
        return schema.displayName(ofDeclaration: element)
    }

    mutating func descend(_ child: Int32, particle: UInt16, _ childDeclaration: Int) {
        if Int(particle >> 2) == CompiledSchema.wildcard {
            lax(child)
        } else {
            element(child, declaration: childDeclaration)
        }
    }

    /// `xsd:any namespace="##other"` of the ext namespace: neither ext's nor no namespace.
    func acceptsOtherNamespace(_ id: Int32) -> Bool {
        switch namespaces[Int(id)] {
        case .ext: return false
        case .cbc, .cac, .ubl, .cn: return true
        case .other: return !(tree.otherNamespaces[id]?.isEmpty ?? false)
        }
    }

    /// Lax assessment: an element the UBL schemas declare is checked; of any other only the
    /// descendants are looked at.
    mutating func lax(_ id: Int32) {
        let declaration = declaration(of: id)
        if declaration >= 0 && (Int(schema.elementNamespace[declaration]) < 3 || Int(schema.elementNamespace[declaration]) == documentNamespace) {
            element(id, declaration: declaration)
            return
        }
        for slot in Int(childStart[Int(id)])..<Int(childStart[Int(id) + 1]) {
            lax(childList[slot])
        }
    }

    // MARK: Attributes

    /// Undeclared attributes, values of declared ones, missing required ones. Read in place:
    /// copying an XMLAttribute would retain and release its three strings.
    mutating func attributes(_ id: Int32, simpleType: Int) {
        let list = attributeLists[Int(id)]
        if list.isEmpty && (simpleType < 0 || !schema.hasRequiredAttribute[simpleType]) { return }
        let first = simpleType >= 0 ? Int(schema.attributeStart[simpleType]) : 0
        let count = simpleType >= 0 ? Int(schema.attributeCount[simpleType]) : 0
        var seen: UInt32 = 0
        var problems: [String] = []
        list.withUnsafeBufferPointer { present in
            for index in present.indices {
                if !present[index].namespace.isEmpty {
                    let name = present[index].name
                    if present[index].namespace == CompiledSchema.xsiNamespace {
                        if name == "schemaLocation" || name == "noNamespaceSchemaLocation" { continue }
                        if name == "nil" {
                            problems.append("has xsi:nil, but no element of a UBL document may be nil")
                            continue
                        }
                        if name == "type" {
                            problems.append("has xsi:type, which a UBL document does not use")
                            continue
                        }
                    }
                    problems.append("has the undeclared attribute {\(present[index].namespace)}\(name)")
                    continue
                }
                var name = present[index].name
                let declared = name.withUTF8 { bytes in
                    (0..<count).first { schema.attribute(first + $0, isNamed: bytes) } ?? -1
                }
                guard declared >= 0 else {
                    problems.append("has the undeclared attribute \(name)")
                    continue
                }
                seen |= 1 << UInt32(declared)
                let kind = schema.attributeKind[first + declared]
                if kind != .string && kind != .normalizedString && !Self.isValid(present[index].value, kind) {
                    problems.append(": the attribute \(name) '\(Self.excerpt(present[index].value))' \(Self.expected(kind))")
                }
            }
        }
        for index in 0..<count where schema.attributeRequired[first + index] && seen & (1 << UInt32(index)) == 0 {
            problems.append("lacks the attribute \(schema.names[Int(schema.attributeName[first + index])])")
        }
        for problem in problems {
            fail(id, display(id) + (problem.hasPrefix(":") ? "" : " ") + problem + ".")
        }
    }

    // MARK: Values

    /// At most 40 characters of a value (which may be megabytes of base64).
    static func excerpt(_ value: String) -> String {
        let prefix = value.prefix(40)
        return prefix.endIndex == value.endIndex ? value : String(prefix) + "…"
    }

    static func expected(_ kind: ValueKind) -> String {
        switch kind {
        case .string, .normalizedString: "is not a string"
        case .decimal: "is not an xsd:decimal (digits with an optional sign and decimal point, at most 24 significant digits)"
        case .boolean: "is not an xsd:boolean (true, false, 1 or 0)"
        case .date: "is not an xsd:date (YYYY-MM-DD, optionally with a time zone)"
        case .time: "is not an xsd:time (hh:mm:ss, optionally with fractions of a second and a time zone)"
        case .base64Binary: "is not xsd:base64Binary"
        case .language: "is not an xsd:language (a language tag such as nl or en-GB)"
        case .anyURI: "is not an xsd:anyURI"
        }
    }

    static func isValid(_ value: String, _ kind: ValueKind) -> Bool {
        var value = value
        return value.withUTF8 { bytes in XSDValue.isValid(bytes, kind) }
    }
}
