import HardenedXML

/// Why bytes could not be read as a UBL 2.1 Invoice or CreditNote.
public struct UBLReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Not XML, or XML the hardened reader refuses (DTD, entities, too large, too deep).
        public static let xml = Code(rawValue: "ubl.xml")
        /// The root element is not `Invoice` or `CreditNote`.
        public static let wrongRoot = Code(rawValue: "ubl.wrong-root")
        /// The root element is in another namespace than UBL 2.1's.
        public static let wrongNamespace = Code(rawValue: "ubl.wrong-namespace")
        /// An element UBL requires is missing.
        public static let missingElement = Code(rawValue: "ubl.missing-element")
        /// A number is not an `xs:decimal` (or is beyond 19 significant / 18 fraction digits).
        public static let invalidNumber = Code(rawValue: "ubl.invalid-number")
        /// A date is not an `xs:date` of a day that exists.
        public static let invalidDate = Code(rawValue: "ubl.invalid-date")
        /// A value is not allowed where it stands (e.g. a ChargeIndicator that is not a boolean).
        public static let invalidValue = Code(rawValue: "ubl.invalid-value")
    }

    public var code: Code
    public var message: String
    /// Where in the document, as an XPath-like path (`/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount`).
    public var path: String?
    /// The line of the input, when known.
    public var line: Int?
    /// The XML-level error, for ``Code/xml``.
    public var underlying: XMLReadError?

    public init(_ code: Code, _ message: String, path: String? = nil, line: Int? = nil, underlying: XMLReadError? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
        self.underlying = underlying
    }

    init(_ error: XMLReadError) {
        self.init(.xml, error.message, line: error.line, underlying: error)
    }

    public var description: String {
        var text = message
        if let path { text += " at \(path)" }
        if let line, line > 0 { text += " (line \(line))" }
        return text + " [\(underlying?.code.rawValue ?? code.rawValue)]"
    }
}
