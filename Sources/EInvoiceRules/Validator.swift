import EInvoice
import HardenedXML

/// Validates UBL 2.1 invoices and credit notes with the verdicts of the official SI-UBL 2.0,
/// EN 16931 and Peppol BIS 3 artifacts.
///
/// ```swift
/// let report = try Validator().validate(bytes)      // rule set from cbc:CustomizationID
/// report.isValid                                    // no fatal finding
/// report.findings.first?.ruleID                     // "BR-NL-10"
/// ```
///
/// The validator is a pure value: share one across threads and validate in parallel.
public struct Validator: Sendable {
    public enum RuleSet: String, Sendable, CaseIterable, Codable {
        /// Chosen per document from `cbc:CustomizationID`.
        case auto
        /// SI-UBL 2.0 validation set 2.0.3.12: its CEN rules (1.3.15) and NLCIUS.
        case siUBL = "si-ubl"
        /// SI-UBL 2.0 with the G-account extension.
        case siUBLGAccount = "si-ubl-gaccount"
        /// Peppol BIS Billing 3.0.19: its CEN copy, PEPPOL-EN16931-*, PEPPOL-COMMON-* and the national
        /// rules (NO, DK, IT, SE, GR, IS, NL).
        case peppol
        /// The European norm alone, CEN 1.3.16.
        case en16931
    }

    public var ruleSet: RuleSet
    public var xmlReader: XMLReader

    public init(ruleSet: RuleSet = .auto, limits: XMLReader.Limits = XMLReader.Limits()) {
        self.ruleSet = ruleSet
        self.xmlReader = XMLReader(limits: limits)
    }

    /// Validates a document's bytes. Throws only when the bytes are not XML the hardened reader
    /// accepts; everything about the document itself is a finding.
    public func validate(_ bytes: some Collection<UInt8>) throws(XMLReadError) -> ValidationReport {
        validate(try read(bytes))
    }

    /// A document read for validation, in the validator's own compact form.
    /// Sendable so that it can be read on one thread and validated on another; one validation at
    /// a time uses it (the tree fills its caches while the rules run).
    public struct ReadDocument: @unchecked Sendable {
        fileprivate let tree: DocumentTree

        /// The root element with only the children whose local names are in `names`, each
        /// whole: what a reader of a document's first parts needs (``UBLReader/readHead(_:)``),
        /// without a tree of the whole document.
        public func rootElement(keepingChildren names: Set<String>) -> XMLElement {
            tree.element(0) { names.contains(tree.names[Int(tree.layout.pointee.nameIDs[Int($0)])]) }
        }
    }

    /// Reads a document's bytes into the form the validator works on. Validating in two steps
    /// lets a caller let go of the bytes first: a 100 MiB document need not be held twice.
    public func read(_ bytes: some Collection<UInt8>) throws(XMLReadError) -> ReadDocument {
        ReadDocument(tree: try DocumentTree(reading: bytes, with: xmlReader))
    }

    /// Receives a document's elements from a reader that finds it inside another one
    /// (``XMLReader/read(_:diverting:to:)``), so that it is read into the validator's form in the
    /// same pass as what carries it (a SOAP envelope, a Standard Business Document).
    public final class DocumentReading: XMLElementSink {
        private let collector = DocumentTree.Collector()
        /// Set by the reader's events only, one at a time: no run-time exclusivity checks.
        @exclusivity(unchecked) private var started = false

        public init() {}

        public func expect(elements: Int) { collector.expect(elements: elements) }

        public func start(name: String, namespace: String, attributes: [XMLAttribute], line: Int) {
            started = true
            collector.start(name: name, namespace: namespace, attributes: attributes, line: line)
        }

        public func end(text: String) { collector.end(text: text) }

        /// The document received, once a read has ended without error; nil when none arrived.
        public func document() -> ReadDocument? {
            started ? ReadDocument(tree: DocumentTree(collector)) : nil
        }
    }

    public func validate(_ document: ReadDocument) -> ValidationReport {
        validate(document.tree)
    }

    /// Validates an already parsed document.
    public func validate(_ root: XMLElement) -> ValidationReport {
        validate(DocumentTree(root))
    }

    private func validate(_ tree: DocumentTree) -> ValidationReport {
        defer { withExtendedLifetime(tree) {} }
        let document = tree.root
        let chosen = ruleSet == .auto ? Validator.ruleSet(for: document) : ruleSet
        var findings = SchemaChecks.findings(document)
        // Pattern by pattern over the elements in document order; the failures are then put in
        // document order (pattern order within an element), as the official reports list them.
        var failures: [(element: Int32, sequence: Int, pattern: Int, assertion: Int)] = []
        let patterns = Validator.patterns(for: chosen)
        for (patternIndex, pattern) in patterns.enumerated() {
            for id in 0..<Int32(tree.count) {
                // (pattern, failure) ordering key: the pattern in the high bits.
                pattern.check(Node(tree: tree, id: id)) { failures.append((id, patternIndex << 16 | failures.count, patternIndex, $0)) }
            }
        }
        failures.sort { ($0.element, $0.sequence) < ($1.element, $1.sequence) }
        for (id, _, patternIndex, assertionIndex) in failures {
            let assertion = patterns[patternIndex].assertions[assertionIndex]
            let node = Node(tree: tree, id: id)
            findings.append(
                Finding(
                    ruleID: assertion.id, flag: assertion.flag, location: node.path, line: node.line > 0 ? node.line : nil,
                    message: assertion.message, businessTerm: assertion.businessTerm))
        }
        if chosen == .siUBLGAccount {
            // The extension's syntax binding allows what it needs: payment means ids, and payment
            // terms that name a payment means and an amount.
            findings.removeAll { ["UBL-CR-411", "UBL-CR-453", "UBL-CR-459"].contains($0.ruleID) }
        }
        return ValidationReport(ruleSet: chosen.rawValue, findings: findings)
    }

    /// The rule set `auto` picks: SI-UBL 2.0 (with or without G-account) and Peppol BIS 3 by their
    /// specification identifiers, the plain European norm otherwise.
    public static func ruleSet(forCustomizationID customizationID: String?) -> RuleSet {
        let id = customizationID?.normalizedSpace ?? ""
        if id.hasPrefix(Specification.siUBL20) {
            return id.contains("urn:fdc:nen.nl:gaccount:v1.0") ? .siUBLGAccount : .siUBL
        }
        if id.hasPrefix(Specification.peppolBIS3) { return .peppol }
        return .en16931
    }

    static func ruleSet(for document: Node) -> RuleSet {
        ruleSet(forCustomizationID: document.first("cbc:CustomizationID")?.stringValue)
    }

    static func patterns(for ruleSet: RuleSet) -> [IndexedPattern] {
        switch ruleSet {
        case .auto, .en16931: indexedEN16931
        case .siUBL: indexedSIUBL
        case .siUBLGAccount: indexedSIUBLGAccount
        case .peppol: indexedPeppol
        }
    }

    static let indexedEN16931 = en16931Patterns.map(IndexedPattern.init)
    static let indexedSIUBL = siUBLPatterns.map(IndexedPattern.init)
    static let indexedSIUBLGAccount = siUBLGAccountPatterns.map(IndexedPattern.init)
    static let indexedPeppol = peppolPatterns.map(IndexedPattern.init)
    static var allPatterns: [Pattern] { en16931Patterns + siUBLGAccountPatterns + peppolPatterns }

    static let en16931Patterns = cen(.v1_3_16)
    static let siUBLPatterns = [NLCIUSRules.versionPattern] + cen(.v1_3_15) + [NLCIUSRules.pattern]
    static let siUBLGAccountPatterns = siUBLPatterns + [GAccountRules.pattern]
    static let peppolPatterns =
        cen(.v1_3_14_1)
        + [PeppolRules.emptyElementPattern, PeppolRules.pattern] + PeppolNationalRules.patterns + [PeppolRules.codePattern]

    private static func cen(_ version: CENVersion) -> [Pattern] {
        [CENModelRules.pattern(version), CENSyntaxRules.pattern(version), CENCodeRules.pattern(version)]
    }
}
