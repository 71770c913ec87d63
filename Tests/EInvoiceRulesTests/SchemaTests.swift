import EInvoice
import EInvoiceRules
import EInvoiceTestSupport
import Foundation
import HardenedXML
import Testing

/// The UBL 2.1 schema check (rule id `XSD`): its table is what the generator makes of the official
/// XSDs, and on thousands of damaged corpus documents its verdict is libxml2's, found at the
/// element libxml2 names.
@Suite(.serialized)
struct SchemaTests {
    // MARK: The generated table

    static let packageRoot = Python.packageRoot

    @Test func theTableIsWhatTheGeneratorWrites() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "tools/ubl-schema/generate.py", "--check"]
        process.currentDirectoryURL = Self.packageRoot
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")
    }

    // MARK: Documents one line per element

    /// The document as XML with every start tag on a line of its own, so that a line number names
    /// one element, for libxml2 and for the validator alike. Every namespace gets a prefix (no
    /// default namespace), so an element without one stays without one.
    static func lined(_ root: XMLElement) -> [UInt8] {
        var prefixes: [String: String] = [:]
        var declarations = ""
        let known = [
            UBLNamespace.cbc: "cbc", UBLNamespace.cac: "cac", UBLNamespace.ext: "ext", UBLNamespace.invoice: "inv",
            UBLNamespace.creditNote: "cn", "http://www.w3.org/2001/XMLSchema-instance": "xsi",
        ]
        func declare(_ uri: String) {
            guard !uri.isEmpty, uri != "http://www.w3.org/XML/1998/namespace", prefixes[uri] == nil else { return }
            let prefix = known[uri] ?? "ns\(prefixes.count + 1)"
            prefixes[uri] = prefix
            declarations += " xmlns:\(prefix)=\"\(escaped(uri, attribute: true))\""
        }
        func collect(_ element: XMLElement) {
            declare(element.namespace)
            for attribute in element.attributes { declare(attribute.namespace) }
            for child in element.children { collect(child) }
        }
        collect(root)
        func name(_ local: String, _ uri: String) -> String {
            if uri.isEmpty { return local }
            if uri == "http://www.w3.org/XML/1998/namespace" { return "xml:" + local }
            return prefixes[uri]! + ":" + local
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        func write(_ element: XMLElement, depth: Int) {
            out += "\n" + String(repeating: " ", count: depth) + "<" + name(element.name, element.namespace)
            if depth == 0 { out += declarations }
            for attribute in element.attributes {
                out += " " + name(attribute.name, attribute.namespace) + "=\"" + escaped(attribute.value, attribute: true) + "\""
            }
            if element.children.isEmpty && element.text.isEmpty {
                out += "/>"
                return
            }
            out += ">" + escaped(element.text, attribute: false)
            for child in element.children { write(child, depth: depth + 1) }
            if !element.children.isEmpty { out += "\n" + String(repeating: " ", count: depth) }
            out += "</" + name(element.name, element.namespace) + ">"
        }
        write(root, depth: 0)
        return Array(out.utf8)
    }

    static func escaped(_ text: String, attribute: Bool) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\t" where attribute: out += "&#9;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: Comparing with libxml2

    struct Verdicts {
        /// libxml2's errors, `line N: message`, in the order it reported them.
        var libxml2: [String]
        var findings: [Finding]
        var libxml2Valid: Bool { libxml2.isEmpty }
        var efactuurValid: Bool { findings.isEmpty }
        /// The line of libxml2's first error.
        var firstLine: Int? {
            libxml2.first.flatMap { message in
                message.hasPrefix("line ") ? Int(message.dropFirst(5).prefix { $0.isNumber }) : nil
            }
        }
        /// Same verdict, and when invalid a finding at the element of libxml2's first error.
        var agree: Bool {
            guard libxml2Valid == efactuurValid else { return false }
            if libxml2Valid { return true }
            guard let line = firstLine else { return false }
            return findings.contains { $0.line == line }
        }
        var description: String {
            let mine = findings.prefix(6).map { "line \($0.line ?? 0) \($0.location): \($0.message)" }
            return "libxml2: \(libxml2.isEmpty ? "valid" : libxml2.prefix(3).joined(separator: " | "))\n"
                + "efactuur: \(findings.isEmpty ? "valid" : mine.joined(separator: " | "))"
        }
    }

    static func verdicts(_ bytes: [UInt8], root: String) throws -> Verdicts {
        let report = try Validator().validate(bytes)
        return Verdicts(libxml2: UBLSchema.forRoot(root).errors(in: bytes), findings: report.findings.filter { $0.ruleID == "XSD" })
    }

    static func corpusDocument(_ path: String) throws -> String {
        try String(contentsOf: Corpus.folder.appendingPathComponent(path), encoding: .utf8)
    }

    /// A corpus document changed as text: the verdict of both, which must agree.
    static func changed(_ path: String, _ change: (String) -> String) throws -> Verdicts {
        let text = try corpusDocument(path)
        let changedText = change(text)
        #expect(changedText != text, "the change applies to \(path)")
        let verdicts = try verdicts(Array(changedText.utf8), root: text.contains("<CreditNote") ? "CreditNote" : "Invoice")
        #expect(verdicts.agree, "\(verdicts.description)")
        return verdicts
    }

    // MARK: The differential test

    static let awkwardValues = [
        "", " ", " 1 ", "1e3", "2024-02-30", "12:00", "maybe", "==", "abc", "-1", "0.005", "NaN", "2024-02-29+01:00",
        "99999999999999999999999999999999999999", "123456789012345678901234", "<&>", "true", "0", "1", " false ", "TRUE",
        "12:00:00", "24:00:00", " 12:00:00", "12:00:00 ", "12:00:00.5Z", "23:59:60", "2024-02-29", "2023-02-29", " 2024-01-01",
        "0000-01-01", "-0001-12-31", "2024-01-01Z", "2024-01-01+14:01", "QUJD", "QQ==", "QR==", "Q===", "QU JD", "en", "en-GB",
        "toolonglanguage", "nl_NL", "http://example.com/a b", "%zz", "a#b#c", ":x", "urn:x:y", "é€—", "\t1\n", "1.", ".5",
        "+.5", ".", "-", "0x10", "1,5",
    ]

    static let attributeNames = [
        "schemeID", "currencyID", "listID", "unitCode", "name", "languageID", "mimeCode", "schemeURI", "format", "filename",
        "listURI", "uri", "foo", "unitCodeListID", "currencyCodeListVersionID", "schemeAgencyID",
    ]

    static func element(_ root: XMLElement, _ path: [Int]) -> XMLElement { path.reduce(root) { $0.children[$1] } }

    /// One random change: an element removed, repeated, swapped with a sibling or renamed, an
    /// attribute removed, added or renamed, a value or an attribute value replaced by an awkward
    /// one, text put into an aggregate.
    /// Every (namespace, name) of the elements below the root, sorted.
    static func names(_ root: XMLElement) -> [(namespace: String, name: String)] {
        var seen: Set<String> = []
        var names: [(namespace: String, name: String)] = []
        func visit(_ element: XMLElement) {
            for child in element.children {
                if seen.insert(child.namespace + " " + child.name).inserted { names.append((child.namespace, child.name)) }
                visit(child)
            }
        }
        visit(root)
        return names.sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }

    static func mutate(_ root: inout XMLElement, names: [(namespace: String, name: String)], using random: inout SeededGenerator) -> String {
        let all = MutatedDocumentTests.paths(root)
        guard let path = all.randomElement(using: &random) else { return "nothing" }
        let target = element(root, path)
        let value = awkwardValues.randomElement(using: &random)!
        let other = names.randomElement(using: &random)!
        let attributeName = attributeNames.randomElement(using: &random)!
        var kind = Int.random(in: 0..<14, using: &random)
        if kind == 11 {
            // Moved: into another element, at a random place among its children.
            guard let destination = all.randomElement(using: &random), !destination.starts(with: path) else { return "nothing moved" }
            var moved = root
            MutatedDocumentTests.mutate(&moved, at: path[...]) { siblings, index in siblings.remove(at: index) }
            // Indices after the removed element shift when they share its parent.
            var adjusted = destination
            if adjusted.count >= path.count && Array(adjusted.prefix(path.count - 1)) == Array(path.dropLast())
                && adjusted[path.count - 1] > path[path.count - 1]
            {
                adjusted[path.count - 1] -= 1
            }
            func insert(_ element: inout XMLElement, _ rest: ArraySlice<Int>) {
                if let first = rest.first {
                    insert(&element.children[first], rest.dropFirst())
                } else {
                    element.children.insert(target, at: Int.random(in: 0...element.children.count, using: &random))
                }
            }
            insert(&moved, adjusted[...])
            root = moved
            return "moved \(target.name) into \(element(root, adjusted).name)"
        }
        if kind == 9 && target.children.isEmpty { kind = 7 }
        if (kind == 4 || kind == 6 || kind == 8) && target.attributes.isEmpty { kind = 5 }
        if kind == 7 && !target.children.isEmpty && Bool.random(using: &random) { kind = 0 }
        var description = ""
        MutatedDocumentTests.mutate(&root, at: path[...]) { siblings, index in
            let name = siblings[index].name
            switch kind {
            case 0:
                siblings.remove(at: index)
                description = "removed \(name)"
            case 1:
                siblings.insert(siblings[index], at: index)
                description = "repeated \(name)"
            case 2:
                let other = index + 1 < siblings.count ? index + 1 : max(index - 1, 0)
                siblings.swapAt(index, other)
                description = "swapped \(name) with \(siblings[index].name)"
            case 3:
                siblings[index].name = other.name
                if Bool.random(using: &random) { siblings[index].namespace = other.namespace }
                description = "renamed \(name) to \(siblings[index].namespace) \(other.name)"
            case 4:
                let removed = siblings[index].attributes.remove(at: Int.random(in: 0..<siblings[index].attributes.count, using: &random))
                description = "removed @\(removed.name) of \(name)"
            case 5:
                if !siblings[index].attributes.contains(where: { $0.name == attributeName && $0.namespace.isEmpty }) {
                    siblings[index].attributes.append(XMLAttribute(name: attributeName, value: value))
                }
                description = "added @\(attributeName)='\(value)' to \(name)"
            case 6:
                let at = Int.random(in: 0..<siblings[index].attributes.count, using: &random)
                if !siblings[index].attributes.contains(where: { $0.name == attributeName && $0.namespace.isEmpty }) {
                    siblings[index].attributes[at].name = attributeName
                }
                description = "renamed an attribute of \(name) to \(attributeName)"
            case 7:
                siblings[index].children = []
                siblings[index].text = value
                description = "\(name) = '\(value)'"
            case 8:
                let at = Int.random(in: 0..<siblings[index].attributes.count, using: &random)
                siblings[index].attributes[at].value = value
                description = "\(name)/@\(siblings[index].attributes[at].name) = '\(value)'"
            case 9:
                siblings[index].text = value.isEmpty ? "x" : value
                description = "text '\(value)' in \(name)"
            case 12:
                let (namespace, local) = [
                    ("http://www.w3.org/2001/XMLSchema-instance", "nil"), ("http://www.w3.org/2001/XMLSchema-instance", "schemaLocation"),
                    ("http://www.w3.org/2001/XMLSchema-instance", "foo"), ("http://www.w3.org/XML/1998/namespace", "lang"), ("urn:example", "a"),
                ].randomElement(using: &random)!
                siblings[index].attributes.append(XMLAttribute(name: local, namespace: namespace, value: value))
                description = "added @{\(namespace)}\(local) to \(name)"
            case 13:
                siblings[index].namespace = ["", "urn:example", UBLNamespace.ext, UBLNamespace.invoice].randomElement(using: &random)!
                description = "moved \(name) to namespace '\(siblings[index].namespace)'"
            case 10:
                // A value that fits most types, to keep many documents valid.
                siblings[index].children = []
                siblings[index].text = ["1", "2024-03-01", "true", "12:30:00", "QUJD", "NL", "urn:x"].randomElement(using: &random)!
                description = "\(name) = '\(siblings[index].text)'"
            default: break
            }
        }
        return description
    }

    /// 28 mutations of each corpus document (5,012 in all) from a fixed seed; for a longer run,
    /// `EFACTUUR_SCHEMA_SEED=… EFACTUUR_SCHEMA_MUTATIONS=… swift test --filter SchemaTests`.
    @Test func mutatedDocumentsGetLibxml2sVerdict() async throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["EFACTUUR_SCHEMA_SEED"].flatMap { UInt64($0) } ?? 20_261_204
        let perDocument = environment["EFACTUUR_SCHEMA_MUTATIONS"].flatMap { Int($0) } ?? 28
        var random = SeededGenerator(seed: seed)
        var documents = 0
        var agreements = 0
        var invalid = 0
        var disagreements: [String] = []
        let started = Date()
        for document in Corpus.cases {
            let original = try XMLReader().read([UInt8](Data(contentsOf: document.url)))
            let names = Self.names(original)
            // The document's mutations one after the other (the generator is sequential), their
            // verdicts side by side.
            var batch: [(bytes: [UInt8], changes: [String])] = []
            for _ in 0..<perDocument {
                var mutated = original
                var changes: [String] = []
                for _ in 0..<(Int.random(in: 0..<10, using: &random) < 7 ? 1 : Int.random(in: 2...3, using: &random)) {
                    changes.append(Self.mutate(&mutated, names: names, using: &random))
                }
                batch.append((Self.lined(mutated), changes))
            }
            let root = original.name
            let results = try await withThrowingTaskGroup(of: (Int, Verdicts).self) { group in
                for (index, item) in batch.enumerated() {
                    group.addTask { (index, try Self.verdicts(item.bytes, root: root)) }
                }
                var results = [Verdicts?](repeating: nil, count: batch.count)
                for try await (index, verdicts) in group { results[index] = verdicts }
                return results.map { $0! }
            }
            for (item, verdicts) in zip(batch, results) {
                documents += 1
                if !verdicts.libxml2Valid { invalid += 1 }
                if verdicts.agree {
                    agreements += 1
                } else if disagreements.count < 20 {
                    let file = TestFolder.root.appendingPathComponent("efactuur-schema-\(documents).xml")
                    try Data(item.bytes).write(to: file)
                    disagreements.append("\(document.path) \(item.changes) → \(file.path)\n\(verdicts.description)")
                }
            }
        }
        print(
            "schema differential, seed \(seed): \(documents) mutated documents (\(invalid) invalid for libxml2), \(agreements) agreements, "
                + "\(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        for disagreement in disagreements { print("  disagrees: \(disagreement)") }
        #expect(documents >= min(5_000, perDocument * Corpus.cases.count))
        #expect(agreements == documents, "every mutated document gets libxml2's verdict at libxml2's element")
    }

    // MARK: Named cases

    static let base = "peppol-bis3/base-example.xml"

    @Test func everyCorpusDocumentPasses() throws {
        for document in Corpus.cases {
            let bytes = try [UInt8](Data(contentsOf: document.url))
            let findings = try Validator().validate(bytes).findings.filter { $0.ruleID == "XSD" }
            #expect(findings.isEmpty, "\(document.path): \(findings)")
        }
    }

    @Test func allowanceChargeWithoutAmount() throws {
        let verdicts = try Self.changed(Self.base) { $0.replacingOccurrences(of: "<cbc:Amount currencyID=\"EUR\">25</cbc:Amount>", with: "") }
        let finding = try #require(verdicts.findings.first { $0.message.contains("cac:AllowanceCharge lacks cbc:Amount") })
        // libxml2 notices at the next element, where the amount should have come before.
        #expect(finding.location == "/Invoice/cac:AllowanceCharge/cac:TaxCategory")
    }

    @Test func legalMonetaryTotalWithoutPayableAmount() throws {
        let verdicts = try Self.changed(Self.base) {
            $0.replacingOccurrences(of: #"<cbc:PayableAmount currencyID="EUR">[^<]*</cbc:PayableAmount>"#, with: "", options: .regularExpression)
        }
        let finding = try #require(verdicts.findings.first)
        #expect(finding.message == "cac:LegalMonetaryTotal lacks cbc:PayableAmount.")
        #expect(finding.location == "/Invoice/cac:LegalMonetaryTotal")
        #expect(finding.flag == .fatal && finding.line != nil)
    }

    @Test func taxSubtotalWithoutTaxAmount() throws {
        let verdicts = try Self.changed(Self.base) {
            $0.replacingOccurrences(
                of: "<cbc:TaxAmount currencyID=\"EUR\">331.25</cbc:TaxAmount>\n            <cac:TaxCategory>", with: "<cac:TaxCategory>")
        }
        #expect(verdicts.findings.contains { $0.message.contains("cac:TaxSubtotal lacks cbc:TaxAmount") })
    }

    @Test func embeddedDocumentWithoutMimeCode() throws {
        let verdicts = try Self.changed("peppol-bis3-nl/PB3_NL-R-002_ok.xml") {
            $0.replacingOccurrences(
                of: #"(<cbc:EmbeddedDocumentBinaryObject[^>]*) mimeCode="[^"]*""#, with: "$1", options: .regularExpression)
        }
        let finding = try #require(verdicts.findings.first)
        #expect(finding.message == "cbc:EmbeddedDocumentBinaryObject lacks the attribute mimeCode.")
        #expect(finding.location.hasSuffix("cac:Attachment/cbc:EmbeddedDocumentBinaryObject"))
    }

    @Test func paymentMeansWithoutCode() throws {
        let verdicts = try Self.changed(Self.base) {
            $0.replacingOccurrences(of: #"<cbc:PaymentMeansCode name="Credit transfer">30</cbc:PaymentMeansCode>"#, with: "")
        }
        #expect(verdicts.findings.contains { $0.message.contains("cac:PaymentMeans lacks cbc:PaymentMeansCode") })
    }

    @Test func elementOutOfSchemaOrder() throws {
        let verdicts = try Self.changed(Self.base) {
            $0.replacingOccurrences(of: "</cac:AccountingSupplierParty>", with: "</cac:AccountingSupplierParty><cbc:Note>Call us</cbc:Note>")
        }
        let finding = try #require(verdicts.findings.first)
        #expect(finding.message == "cbc:Note after cac:AccountingSupplierParty: out of schema order.")
        #expect(finding.location == "/Invoice/cbc:Note")
    }

    @Test func unexpectedRepeatedAndUndeclared() throws {
        let unexpected = try Self.changed(Self.base) { $0.replacingOccurrences(of: "<cbc:DueDate>", with: "<cbc:Name>x</cbc:Name><cbc:DueDate>") }
        #expect(unexpected.findings.first?.message == "cbc:Name is not allowed in Invoice.")
        let repeated = try Self.changed(Self.base) {
            $0.replacingOccurrences(of: "</cbc:DueDate>", with: "</cbc:DueDate><cbc:DueDate>2017-12-02</cbc:DueDate>")
        }
        #expect(repeated.findings.first?.message == "Invoice has more than one cbc:DueDate.")
        let attribute = try Self.changed(Self.base) { $0.replacingOccurrences(of: "<cbc:DueDate>", with: "<cbc:DueDate format=\"x\">") }
        #expect(attribute.findings.first?.message == "cbc:DueDate has the undeclared attribute format.")
        let text = try Self.changed(Self.base) {
            $0.replacingOccurrences(of: "<cac:AccountingSupplierParty>", with: "<cac:AccountingSupplierParty>Acme")
        }
        #expect(text.findings.first?.message == "cac:AccountingSupplierParty has text, but its content may only be elements.")
    }

    /// `ext:ExtensionContent` takes one element of another namespace, laxly: elements the UBL
    /// schemas declare are checked wherever they are in it, others are passed over. (Content in the
    /// signature namespaces is not checked: `sig:UBLDocumentSignatures` without its
    /// `sac:SignatureInformation` passes here, while libxml2 rejects it.)
    @Test func extensionContentIsLax() throws {
        let snippets = [
            #"<foo:Bar xmlns:foo="urn:x"><cbc:ID>x</cbc:ID></foo:Bar>"#,
            #"<foo:Bar xmlns:foo="urn:x" a="1"><x><cbc:IssueDate>2024-02-30</cbc:IssueDate></x></foo:Bar>"#,
            #"<foo:Bar xmlns:foo="urn:x"><cac:Party><cbc:Foo/></cac:Party></foo:Bar>"#,
            #"<foo:Bar xmlns:foo="urn:x"><cbc:ID bogus="1">x</cbc:ID></foo:Bar>"#,
            "<cbc:IssueDate>abc</cbc:IssueDate>", "<cac:PartyName><cbc:Name>x</cbc:Name></cac:PartyName>",
            "<cac:PartyName><cbc:Nam>x</cbc:Nam></cac:PartyName>", #"<Bar xmlns=""/>"#, "<Bar/>", "<ext:Foo/>", "",
            #"<foo:Bar xmlns:foo="urn:x"/><foo:Bar xmlns:foo="urn:x"/>"#, "hello", #"hi<foo:Bar xmlns:foo="urn:x"/>"#,
            "<Invoice><cbc:ID>x</cbc:ID></Invoice>",
            #"<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"><cbc:ID>x</cbc:ID></CreditNote>"#,
            #"<foo:Bar xmlns:foo="urn:x"><ext:UBLExtension/></foo:Bar>"#,
        ]
        var invalid = 0
        for snippet in snippets {
            let verdicts = try Self.changed(Self.base) { text in
                let start = text.range(of: ">", range: text.range(of: "<Invoice")!.upperBound..<text.endIndex)!.upperBound
                return text[..<start]
                    + #"<ext:UBLExtensions xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2">"#
                    + "<ext:UBLExtension><ext:ExtensionContent>\(snippet)</ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>"
                    + text[start...]
            }
            if !verdicts.libxml2Valid { invalid += 1 }
        }
        #expect(invalid >= 10)
    }

    /// The xsi attributes libxml2 knows, others in foreign namespaces, and a wrong root.
    @Test func attributesOfOtherNamespacesAndTheRoot() throws {
        let xsi = #"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#
        for (attributes, valid) in [
            ("\(xsi) xsi:schemaLocation=\"urn:x invoice.xsd\"", true), ("\(xsi) xsi:nil=\"false\"", false),
            ("\(xsi) xsi:foo=\"1\"", false), ("xml:lang=\"en\"", false), (#"xmlns:q="urn:q" q:a="1""#, false), ("foo=\"1\"", false),
        ] {
            let verdicts = try Self.changed(Self.base) { $0.replacingOccurrences(of: "<cbc:ID>Snippet1<", with: "<cbc:ID \(attributes)>Snippet1<") }
            #expect(verdicts.efactuurValid == valid, "\(attributes)")
        }
        let root = try Self.changed(Self.base) { $0.replacingOccurrences(of: "<Invoice ", with: "<Invoice foo=\"1\" ") }
        #expect(root.findings.first?.location == "/Invoice")
        let wrongRoot = try Validator().validate(Array(#"<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>"#.utf8))
        #expect(wrongRoot.findings.map(\.ruleID) == ["XSD"])
    }

    /// Values at the edges of each built-in type, in an element or attribute of that type: the
    /// verdict is libxml2's.
    @Test func valuesOfEveryBuiltInType() throws {
        func replacing(_ original: String, _ replacement: String) -> (String, String) -> String {
            { text, value in text.replacingOccurrences(of: original, with: replacement.replacingOccurrences(of: "VALUE", with: value)) }
        }
        let attachment = """
            <cac:AdditionalDocumentReference><cbc:ID>a</cbc:ID><cac:Attachment>\
            <cbc:EmbeddedDocumentBinaryObject mimeCode="text/plain">VALUE</cbc:EmbeddedDocumentBinaryObject>\
            </cac:Attachment></cac:AdditionalDocumentReference><cac:AccountingSupplierParty>
            """
        let places: [(kind: String, change: (String, String) -> String)] = [
            ("decimal", replacing(#"<cbc:PayableAmount currencyID="EUR">1656.25<"#, #"<cbc:PayableAmount currencyID="EUR">VALUE<"#)),
            ("date", replacing("<cbc:IssueDate>2017-11-13<", "<cbc:IssueDate>VALUE<")),
            ("time", replacing("</cbc:IssueDate>", "</cbc:IssueDate><cbc:IssueTime>VALUE</cbc:IssueTime>")),
            ("boolean", replacing("<cbc:ChargeIndicator>true<", "<cbc:ChargeIndicator>VALUE<")),
            ("base64Binary", replacing("<cac:AccountingSupplierParty>", attachment)),
            ("language", replacing("<cbc:Note>", "<cbc:Note languageID=\"VALUE\">")),
            ("anyURI", replacing("<cbc:ID>Snippet1<", "<cbc:ID schemeURI=\"VALUE\">Snippet1<")),
        ]
        let values =
            Self.awkwardValues + [
                "+1", "-0", "00.", "0.", "-.5", "1 2", "2024-01-01T00:00:00", "12345-01-01", "01234-01-01", "2024-1-01", "2024-01-01-13:59",
                "2024-01-01+15:00", "1:00:00", "12:60:00", "12:00:00.", "24:00:01", "24:00:00.0", "59:00:00", "QUJD\nRA==", "====", "QUJDRA",
                "x-klingon", "e1", "http://[::1]/", "http://a:b@c:80/d?e#f", "http://a:99999999999/", "%41", "../a", "#frag", "1a:b",
                "[::1]", "http://", "?q", "a%", "\u{00A0}1",
            ]
        let text = try Self.corpusDocument(Self.base)
        var checked = 0
        for (kind, change) in places {
            for value in values {
                let changed = change(text, Self.escaped(value, attribute: true))
                guard changed != text else { continue }  // the value the document has already
                let verdicts = try Self.verdicts(Array(changed.utf8), root: "Invoice")
                #expect(verdicts.agree, "\(kind) '\(value)': \(verdicts.description)")
                checked += 1
            }
        }
        #expect(checked > 500)
    }

    // MARK: BR-50

    /// BR-50 reads `normalize-space(cbc:ID) != ''`: an account id of white space only is missing.
    @Test func blankAccountIDOfACreditTransferBreaksBR50() throws {
        let text = try Self.corpusDocument(Self.base)
        for ruleSet in [Validator.RuleSet.en16931, .peppol, .siUBL] {
            for (id, fires) in [("IBAN32423940", false), ("", true), ("   ", true), ("\n\t ", true)] {
                let changed = text.replacingOccurrences(of: "<cbc:ID>IBAN32423940</cbc:ID>", with: "<cbc:ID>\(id)</cbc:ID>")
                let report = try Validator(ruleSet: ruleSet).validate(Array(changed.utf8))
                #expect(report.fatalRuleIDs.contains("BR-50") == fires, "\(ruleSet) '\(id)'")
            }
        }
    }

    /// BR-CL-08 reads a subject code only from `#XXX#` of exactly three characters.
    @Test func noteSubjectCodesBreakBRCL08() throws {
        let text = try Self.corpusDocument(Self.base)
        let cases = [
            ("#AAI#Goods returned", false), ("#QQQ#Goods returned", true), ("Ünïcode first, then #QQQ#", true),
            ("#ZZ#two characters", false), ("#ZZZZ#four", false), ("one # only", false), ("no code at all", false),
            ("#AAI#", false), ("##", false),
            // XPath reads code points: a combining mark after the first # is the code's first
            // character (here a code of one character), not part of a "#́" character.
            ("#\u{301}#QQQ#", false),
        ]
        for (note, fires) in cases {
            let changed = text.replacingOccurrences(
                of: "</cbc:InvoiceTypeCode>", with: "</cbc:InvoiceTypeCode>\n    <cbc:Note>\(note)</cbc:Note>")
            let report = try Validator(ruleSet: .en16931).validate(Array(changed.utf8))
            #expect(report.fatalRuleIDs.contains("BR-CL-08") == fires, "'\(note)'")
        }
    }
}
